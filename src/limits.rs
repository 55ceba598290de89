//! Every limit the crate enforces on its input, in one place.
//!
//! Inputs beyond these limits are rejected with a diagnostic, never a panic,
//! a hang or a stack overflow. Tests exercise each limit at N and N+1.

/// Largest accepted policy file (`.zr`) or incident, in bytes (4 MiB).
/// Bigger orgs are split into several files, or given as JSON (bounded by
/// [`MAX_POLICY_BYTES`] alone).
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Largest accepted policy text, in bytes: all its `.zr` files together
/// (32 MiB, about a 110,000-unit org written in `.zr`).
pub const MAX_POLICY_BYTES: usize = 32 * 1024 * 1024;

/// Largest accepted org JSON, in bytes: all of a policy's org JSON files
/// together (64 MiB, a 110,000-unit org with its holdings and coverage
/// takes about 45 MiB). JSON costs far less memory per byte to read than
/// policy text, so it has a budget of its own.
pub const MAX_ORG_JSON_BYTES: usize = 64 * 1024 * 1024;

/// Deepest accepted nesting of brackets (`{`, `(`, `[`) in a policy file.
pub const MAX_NESTING: usize = 64;

/// Longest accepted name (unit, person, position …), in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Most diagnostics reported for one compilation; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 200;

/// Earliest year a date may name.
pub const MIN_YEAR: i32 = 1900;

/// Latest year a date may name.
pub const MAX_YEAR: i32 = 2200;

/// Most terms (comparisons and facts) in one condition.
pub const MAX_CONDITION_TERMS: usize = 256;

/// Largest count an obligation may state (`at least N per …`).
pub const MAX_COUNT: u32 = 10_000;

/// Most events read from one log.
pub const MAX_EVENTS: usize = 50_000_000;

/// Most rows a calendar or compliance answer may have (narrow the range or
/// pick one unit beyond that). The count is estimated before any row is
/// built; at this size an answer takes a few hundred megabytes.
pub const MAX_ROWS: usize = 2_000_000;

/// Members of a set-valued fact (`some of { … }`): an incident's set is one
/// 128-bit word.
pub const MAX_SET_MEMBERS: usize = 128;

/// Most holdings that seats (`seat … is …`) may give, all seats together:
/// a chain of seats repeats every holding of its first post at each link.
pub const MAX_SEAT_HOLDINGS: usize = 1_000_000;

/// Most recipients one obligation may name (`to A, B, …`): which of them
/// are still missing is kept as one 128-bit set per row.
pub const MAX_RECIPIENTS: usize = 128;
