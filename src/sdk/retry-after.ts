// Retry-After (RFC 9110 §10.2.3), read one way everywhere: receivers' answers to deliveries, providers' 429s
// through the engine's HTTP client, and integrations that take a 429 themselves (http-failures.ts).

// RFC 9110's delay-seconds is whole digits; a decimal fraction (Shopify sends `2.0`) is read too, rounded up:
// the sender's meaning is plain, and ignoring it would fall back to a schedule that may come sooner.
const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds (fractions accepted, rounded up to the ms) or an
 * HTTP-date. Returns the delay in ms from `now` (0 for a date in the past), or undefined when the value is
 * neither — a garbage header is ignored and the schedule applies. Not clamped; see nextRetryDelayMs.
 */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) {
    // A huge digit string parses to a huge number or Infinity; the caller's clamp bounds it.
    return Math.ceil(Number(trimmed) * 1_000);
  }
  const at = parseHttpDate(trimmed, now);
  if (at === undefined) return undefined;
  return Math.max(0, at - now);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// RFC 9110 §5.6.7: senders use IMF-fixdate; recipients must also accept the two obsolete forms.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parses the three HTTP-date forms to ms since the epoch (`now` only resolves RFC 850's two-digit year).
 * Date.parse is not used: it accepts almost
 * anything ("1", "soon 5"), which would turn garbage into a plausible delay.
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);

  m = RFC850_DATE.exec(value);
  if (m) {
    // Two-digit year: RFC 9110 says take the most recent year with those digits that is not more than
    // 50 years in the future.
    const twoDigits = Number(m[3]);
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + twoDigits;
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2], Number(m[1]), m[4], m[5], m[6]);
  }

  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1], Number(m[2]!.trim()), m[3], m[4], m[5]);

  return undefined;
}

function utc(
  year: number,
  monthName: string | undefined,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf(monthName ?? '');
  const [h, min, s] = [Number(hour), Number(minute), Number(second)];
  if (month < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, month, day, h, min, s);
  // Reject dates that Date.UTC silently rolled over, e.g. 31 Feb.
  return new Date(ms).getUTCDate() === day || s === 60 ? ms : undefined;
}
