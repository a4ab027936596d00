//! zlib compression of app tokens, byte for byte as zlib's default level
//! does it, so that a token built here is the same string Agora's reference
//! builders (which call zlib) produce for the same inputs.
//!
//! General-purpose Rust deflaters (miniz_oxide, zlib-rs) find other matches
//! or pick another block type for these ~100-byte inputs, which gives a
//! different (equally valid) token text. What zlib does at level 6 for an
//! input of this size is small enough to reproduce: one final block,
//! fixed Huffman codes (or stored, when that is no longer), and the lazy
//! match search of zlib's `deflate_slow` with the level-6 parameters.
//!
//! zlib could choose a dynamic Huffman block instead, but not at the size of
//! an app token (checked against zlib on tens of thousands of random
//! tokens); were it ever to, the output here would still be a valid zlib
//! stream of the same bytes, only not the identical text. Inputs beyond
//! zlib's 32 KiB window are compressed validly but not identically either;
//! app tokens are never near that.

/// Shortest match deflate encodes.
const MIN_MATCH: usize = 3;
/// Longest match deflate encodes.
const MAX_MATCH: usize = 258;
/// zlib's window (`windowBits` 15).
const WINDOW_SIZE: usize = 1 << 15;
/// zlib keeps this much lookahead, which bounds match distances.
const MIN_LOOKAHEAD: usize = MAX_MATCH + MIN_MATCH + 1;
const MAX_DIST: usize = WINDOW_SIZE - MIN_LOOKAHEAD;
/// Level-6 parameters: reduce the search above `GOOD_LENGTH`, stop looking
/// for a better match above `MAX_LAZY`, stop searching at `NICE_LENGTH`, and
/// follow at most `MAX_CHAIN` candidates.
const GOOD_LENGTH: usize = 8;
const MAX_LAZY: usize = 16;
const NICE_LENGTH: usize = 128;
const MAX_CHAIN: usize = 128;
/// A 3-byte match farther back than this is not worth it.
const TOO_FAR: usize = 4096;
/// zlib's hash of 3 bytes (`memLevel` 8): 15 bits.
const HASH_BITS: u32 = 15;
const HASH_SHIFT: u32 = 5;
/// Position 0 doubles as "no entry" in zlib's hash chains, so it is never a
/// match candidate; replicating that matters for identical output.
const NIL: usize = 0;

/// Base lengths of length codes 257..=285 and their extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distances of distance codes 0..=29 and their extra bits.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// One LZ77 output symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symbol {
    Literal(u8),
    Match { length: usize, distance: usize },
}

/// Compresses `data` into a zlib stream (header `78 9C`, one final block,
/// Adler-32 trailer).
pub(crate) fn zlib_compress(data: &[u8]) -> Vec<u8> {
    let symbols = lz77(data);
    let mut out = BitWriter::default();
    // CMF: deflate with a 32 KiB window; FLG: default level, check bits.
    out.bytes.extend_from_slice(&[0x78, 0x9C]);

    // zlib's choice for the final block: stored when that is no longer
    // than the fixed-Huffman encoding (4 bytes of stored-block overhead
    // against the 3 header bits and the byte padding of the fixed one).
    let fixed_bits: usize = symbols
        .iter()
        .map(|symbol| symbol_bits(*symbol))
        .sum::<usize>()
        + 7;
    let fixed_bytes = (fixed_bits + 3 + 7) >> 3;
    match u16::try_from(data.len()) {
        Ok(len) if data.len() + 4 <= fixed_bytes => {
            out.bits(0b001, 3); // final, stored
            out.align();
            out.bytes.extend_from_slice(&len.to_le_bytes());
            out.bytes.extend_from_slice(&(!len).to_le_bytes());
            out.bytes.extend_from_slice(data);
        }
        _ => {
            out.bits(0b011, 3); // final, fixed Huffman
            for symbol in symbols {
                match symbol {
                    Symbol::Literal(byte) => out.code(usize::from(byte)),
                    Symbol::Match { length, distance } => {
                        let index = table_index(&LENGTH_BASE, length);
                        out.code(257 + index);
                        out.bits(
                            length - usize::from(LENGTH_BASE[index]),
                            LENGTH_EXTRA[index],
                        );
                        let index = table_index(&DIST_BASE, distance);
                        out.reversed(index, 5);
                        out.bits(distance - usize::from(DIST_BASE[index]), DIST_EXTRA[index]);
                    }
                }
            }
            out.code(256); // end of block
            out.align();
        }
    }
    out.bytes.extend_from_slice(&adler32(data).to_be_bytes());
    out.bytes
}

/// zlib's `deflate_slow` at level 6 over the whole input at once: at each
/// position find the longest earlier match, but emit it only if the match
/// at the next position is not longer (lazy evaluation).
fn lz77(data: &[u8]) -> Vec<Symbol> {
    // zlib zeroes the window past the data, and a match search may read up
    // to MAX_MATCH bytes ahead before clamping to the data's end, which
    // decides between candidates: keep the same zeros.
    let mut window = Vec::with_capacity(data.len() + MAX_MATCH + 1);
    window.extend_from_slice(data);
    window.resize(data.len() + MAX_MATCH + 1, 0);
    let mut chains = Chains::new(data.len());

    let mut symbols = Vec::with_capacity(data.len());
    let mut strstart = 0;
    let mut lookahead = data.len();
    let mut match_length = MIN_MATCH - 1;
    let mut match_start = 0;
    let mut match_available = false;

    while lookahead > 0 {
        let hash_head = if lookahead >= MIN_MATCH {
            chains.insert(&window, strstart)
        } else {
            NIL
        };
        let prev_length = match_length;
        let prev_match = match_start;
        match_length = MIN_MATCH - 1;
        if hash_head != NIL && prev_length < MAX_LAZY && strstart - hash_head <= MAX_DIST {
            let search = Search {
                window: &window,
                strstart,
                lookahead,
                prev_length,
            };
            (match_length, match_start) = search.longest_match(&chains, hash_head, match_start);
            if match_length == MIN_MATCH && strstart - match_start > TOO_FAR {
                match_length = MIN_MATCH - 1;
            }
        }
        if prev_length >= MIN_MATCH && match_length <= prev_length {
            // The match found at the previous position wins: emit it and
            // index the positions it covers (as far as 3 bytes remain).
            let max_insert = strstart + lookahead - MIN_MATCH;
            symbols.push(Symbol::Match {
                length: prev_length,
                distance: strstart - 1 - prev_match,
            });
            lookahead -= prev_length - 1;
            for _ in 0..prev_length - 2 {
                strstart += 1;
                if strstart <= max_insert {
                    chains.insert(&window, strstart);
                }
            }
            match_available = false;
            match_length = MIN_MATCH - 1;
            strstart += 1;
        } else if match_available {
            symbols.push(Symbol::Literal(window[strstart - 1]));
            strstart += 1;
            lookahead -= 1;
        } else {
            match_available = true;
            strstart += 1;
            lookahead -= 1;
        }
    }
    if match_available {
        symbols.push(Symbol::Literal(window[strstart - 1]));
    }
    symbols
}

/// zlib's hash chains: `head[hash]` is the latest position with that hash of
/// its 3 bytes, `prev[position]` the one before it.
struct Chains {
    head: Vec<usize>,
    prev: Vec<usize>,
}

impl Chains {
    fn new(len: usize) -> Self {
        Self {
            head: vec![NIL; 1 << HASH_BITS],
            prev: vec![NIL; len],
        }
    }

    /// Indexes `position`, returning the previous head of its chain.
    fn insert(&mut self, window: &[u8], position: usize) -> usize {
        let hash = window[position..position + MIN_MATCH]
            .iter()
            .fold(0usize, |hash, &byte| {
                ((hash << HASH_SHIFT) ^ usize::from(byte)) & ((1 << HASH_BITS) - 1)
            });
        let previous = self.head[hash];
        self.prev[position] = previous;
        self.head[hash] = position;
        previous
    }
}

/// The state zlib's `longest_match` reads.
struct Search<'a> {
    window: &'a [u8],
    strstart: usize,
    lookahead: usize,
    prev_length: usize,
}

impl Search<'_> {
    /// Follows the chain from `candidate` and returns the best length (only
    /// a match longer than `prev_length` counts, and the most recent of
    /// equally long ones wins) and its start, clamped to the data left.
    /// Without a better match, `match_start` is returned unchanged, as zlib
    /// leaves it.
    fn longest_match(
        &self,
        chains: &Chains,
        mut candidate: usize,
        mut match_start: usize,
    ) -> (usize, usize) {
        let mut chain_length = MAX_CHAIN;
        if self.prev_length >= GOOD_LENGTH {
            chain_length >>= 2;
        }
        let nice_length = NICE_LENGTH.min(self.lookahead);
        let limit = self.strstart.saturating_sub(MAX_DIST);
        let scan = &self.window[self.strstart..self.strstart + MAX_MATCH];
        let mut best_length = self.prev_length;
        loop {
            let earlier = &self.window[candidate..candidate + MAX_MATCH];
            let length = scan.iter().zip(earlier).take_while(|(a, b)| a == b).count();
            if length > best_length {
                match_start = candidate;
                best_length = length;
                if length >= nice_length {
                    break;
                }
            }
            candidate = chains.prev[candidate];
            chain_length -= 1;
            if candidate <= limit || chain_length == 0 {
                break;
            }
        }
        (best_length.min(self.lookahead), match_start)
    }
}

/// Bits a symbol takes with the fixed Huffman codes, extra bits included.
fn symbol_bits(symbol: Symbol) -> usize {
    match symbol {
        Symbol::Literal(byte) => fixed_code(usize::from(byte)).1.into(),
        Symbol::Match { length, distance } => {
            let length_index = table_index(&LENGTH_BASE, length);
            let distance_index = table_index(&DIST_BASE, distance);
            usize::from(fixed_code(257 + length_index).1)
                + usize::from(LENGTH_EXTRA[length_index])
                + 5
                + usize::from(DIST_EXTRA[distance_index])
        }
    }
}

/// The code of `value`'s range in a base table: the last base not above it.
fn table_index(bases: &[u16], value: usize) -> usize {
    bases
        .iter()
        .rposition(|&base| usize::from(base) <= value)
        .unwrap_or(0)
}

/// The fixed Huffman code of a literal/length symbol and its bit count.
fn fixed_code(symbol: usize) -> (usize, u8) {
    match symbol {
        0..=143 => (0x30 + symbol, 8),
        144..=255 => (0x190 + symbol - 144, 9),
        256..=279 => (symbol - 256, 7),
        _ => (0xC0 + symbol - 280, 8),
    }
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (a, b) = data.iter().fold((1u32, 0u32), |(a, b), &byte| {
        let a = (a + u32::from(byte)) % MOD;
        (a, (b + a) % MOD)
    });
    (b << 16) | a
}

/// Deflate's bit order: values least significant bit first, Huffman codes
/// most significant bit first.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    pending: u32,
    pending_bits: u8,
}

impl BitWriter {
    fn bits(&mut self, value: usize, count: u8) {
        for bit in 0..count {
            self.pending |= u32::from((value >> bit) & 1 == 1) << self.pending_bits;
            self.pending_bits += 1;
            if self.pending_bits == 8 {
                self.bytes.push(self.pending as u8);
                self.pending = 0;
                self.pending_bits = 0;
            }
        }
    }

    fn reversed(&mut self, code: usize, count: u8) {
        for bit in (0..count).rev() {
            self.bits((code >> bit) & 1, 1);
        }
    }

    fn code(&mut self, symbol: usize) {
        let (code, count) = fixed_code(symbol);
        self.reversed(code, count);
    }

    fn align(&mut self) {
        if self.pending_bits > 0 {
            self.bytes.push(self.pending as u8);
            self.pending = 0;
            self.pending_bits = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{adler32, zlib_compress};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(stream).expect("valid zlib stream")
    }

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    /// Expected outputs of zlib 1.2.13's `compress` (level 6).
    #[test]
    fn matches_zlib_byte_for_byte() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "789c030000000001"),
            (b"a", "789c4b040000620062"),
            (&[0; 100], "789c6360a03d000000640001"),
            (b"abcabcabcabcabcabcabcabc", "789c4b4c4a4ec4860072e00931"),
            (
                b"hello hello hello world, hello",
                "789ccb48cdc9c957c84022cbf38b725274201c00adfb0b25",
            ),
            (
                &[
                    1, 0, 5, 0, 1, 0, 2, 0, 0x58, 2, 0, 0, 0, 0, 0x58, 2, 0, 0, 1, 0,
                ],
                "789c6364606560646062886062000210c9c80000070000bf",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(hex(&zlib_compress(input)), expected, "{input:?}");
        }
    }

    #[test]
    fn incompressible_input_is_stored_like_zlib() {
        // 20 bytes without repeats, all above 143 (9-bit literals): the
        // fixed encoding would be longer than a stored block.
        let input: Vec<u8> = (200..220).collect();
        let output = zlib_compress(&input);
        assert_eq!(&output[..7], &[0x78, 0x9C, 0x01, 20, 0, !20, 0xFF]);
        assert_eq!(inflate(&output), input);
    }

    #[test]
    fn round_trips_assorted_inputs() {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![7; 1000],
            (0..=255).collect(),
            b"abracadabra".repeat(50),
        ];
        // A deterministic pseudo-random mix of runs and noise.
        let mut state = 0x2545_F491_u32;
        let mut noise = Vec::new();
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            noise.push(if state % 3 == 0 {
                b'x'
            } else {
                state as u8 % 16
            });
        }
        inputs.push(noise);
        for input in inputs {
            assert_eq!(inflate(&zlib_compress(&input)), input);
        }
    }
}
