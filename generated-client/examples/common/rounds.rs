//! The report both benchmark examples print, in the format `cargo xtask
//! bench` reads (`xtask/src/bench/runtime.rs`): one line per round, then
//! `<key>=<median of the round ratios>`.

use std::time::Duration;

/// Ratios of generated to hand-written time, one per round.
#[derive(Default)]
pub struct Rounds {
    ratios: Vec<f64>,
}

impl Rounds {
    /// Prints round `round`, in which each side did `count` operations
    /// (`unit`, e.g. "call"), and keeps its ratio.
    pub fn record(&mut self, unit: &str, count: usize, generated: Duration, hand: Duration) {
        let ratio = generated.as_secs_f64() / hand.as_secs_f64();
        let per = |total: Duration| total.as_secs_f64() * 1e6 / count as f64;
        println!(
            "round {}: generated {:.2} µs/{unit}, hand-written {:.2} µs/{unit}, ratio {ratio:.3}",
            self.ratios.len(),
            per(generated),
            per(hand)
        );
        self.ratios.push(ratio);
    }

    /// Prints `<key>=<median ratio>`.
    pub fn finish(mut self, key: &str) {
        self.ratios.sort_by(f64::total_cmp);
        match self.ratios.get(self.ratios.len() / 2) {
            Some(median) => println!("{key}={median:.3}"),
            None => eprintln!("no rounds were run"),
        }
    }
}
