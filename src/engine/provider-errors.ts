import { AppError } from '../errors.js';
import { ProviderError } from '../sdk/index.js';

/** A provider failure during an API call (subscribe, unsubscribe) as the contract's error. */
export function providerErrorToAppError(err: unknown, action: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ProviderError) {
    switch (err.kind) {
      case 'auth':
        return new AppError('CREDENTIAL_INVALID', `${action}: the provider refused the connected account's credentials (${err.message})`);
      case 'rate_limited':
        return new AppError('RATE_LIMITED', `${action}: the provider is rate limiting this account; try again later`);
      case 'transient':
        return new AppError('PROVIDER_UNAVAILABLE', `${action}: the provider is unavailable (${err.message})`);
      case 'permanent':
        return new AppError('PROVIDER_REFUSED', `${action}: the provider refused (${err.message})`);
    }
  }
  return new AppError('PROVIDER_UNAVAILABLE', `${action}: ${(err as Error).message}`);
}
