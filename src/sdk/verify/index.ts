// Public API of declarative request verification: schemes and handshakes are data, run by one verifier
// (with a matching signer for tests and fake providers). Integrations import from here.
export {
  HUBSPOT_V3_URL_DECODES,
  parseSigningString,
  schemeProblems,
  type AsymmetricAlgorithm,
  type AsymmetricScheme,
  type HmacAlgorithm,
  type HmacScheme,
  type MultipleSignatures,
  type NoVerificationScheme,
  type SecretEncoding,
  type SharedSecretScheme,
  type SignatureEncoding,
  type StructuredHeader,
  type TemplatePart,
  type TimestampFromBody,
  type TimestampUnit,
  type VerificationScheme,
} from './schemes.js';
export {
  signRequest,
  verifyRequest,
  type VerifiableRequest,
  type SigningKey,
  type VerifyFailure,
  type VerifyFailureReason,
  type VerifyKey,
  type VerifyResult,
} from './verify.js';
export {
  classifyInbound,
  detectHandshake,
  handshakePhase,
  type ChallengeEchoHandshake,
  type GetChallengeHandshake,
  type Handshake,
  type HandshakePhase,
  type HandshakeResponse,
  type HookSecretHandshake,
  type InboundDecision,
  type ValidationTokenHandshake,
} from './handshakes.js';
