//! One parallel map for every stage that has independent work (parsing the
//! spec files, running the emitters, rendering the Rust files): a
//! regeneration is CPU-bound, and each stage alone leaves cores idle.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in the items' order, computed on up to one thread per
/// core. Threads take the next unstarted item when they finish one, so a
/// few large items do not leave the other threads waiting; list the largest
/// first for the best balance. A panic in `f` is passed on to the caller.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        for handle in handles {
            let done = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every index below the length is taken exactly once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map(&items, |n| n * n);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn maps_nothing_to_nothing() {
        assert!(map(&[] as &[u8], |_| 1).is_empty());
    }

    #[test]
    #[should_panic(expected = "item 7")]
    fn passes_on_a_panic() {
        let items: Vec<u32> = (0..10).collect();
        map(&items, |&n| {
            assert_ne!(n, 7, "item 7");
            n
        });
    }
}
