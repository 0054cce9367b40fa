/**
 * How the `service` and `environment` inputs that name a deploy in the record (Paved-Service,
 * Paved-Environment) are validated, the same in every action that writes or reads that record. Both
 * become trailer values, so they are one line of a known alphabet. Actions read the inputs themselves
 * (the contract test wants each input name in the action's own code) with these options.
 */
export const SERVICE_INPUT = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
  accepted: 'a service name (letters, digits, . _ -), like shop',
};

export const ENVIRONMENT_INPUT = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,254}$/,
  accepted: 'an environment name (letters, digits, space . _ / -), like production',
};
