/** Close codes of RFC 6455 that the contract uses. */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_TRY_AGAIN_LATER = 1013;
