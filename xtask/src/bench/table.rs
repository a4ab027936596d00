//! The report: a table (figure, ours, the other side, ratio, target) and
//! the final JSON line of ratios.

/// One line of the table.
pub(crate) struct Row {
    pub(crate) figure: String,
    pub(crate) ours: String,
    pub(crate) other: String,
    /// Ours divided by the other side; `None` when not measured.
    pub(crate) ratio: Option<f64>,
    /// The ratio must be at most this (at least, with `at_least`).
    pub(crate) target: Option<f64>,
    /// The target is a floor (throughput) rather than a ceiling.
    pub(crate) at_least: bool,
}

impl Row {
    pub(crate) fn new(figure: impl Into<String>, ours: String, other: String) -> Self {
        Self {
            figure: figure.into(),
            ours,
            other,
            ratio: None,
            target: None,
            at_least: false,
        }
    }

    pub(crate) fn ratio(mut self, ratio: f64) -> Self {
        self.ratio = Some(ratio);
        self
    }

    pub(crate) fn target(mut self, target: f64) -> Self {
        self.target = Some(target);
        self
    }

    /// A floor the ratio must reach, as for throughput.
    pub(crate) fn target_at_least(mut self, target: f64) -> Self {
        self.target = Some(target);
        self.at_least = true;
        self
    }

    fn verdict(&self) -> String {
        let sign = if self.at_least { "≥" } else { "≤" };
        let met = |ratio: f64, target: f64| {
            if self.at_least {
                ratio >= target
            } else {
                ratio <= target
            }
        };
        match (self.target, self.ratio) {
            (Some(target), Some(ratio)) if met(ratio, target) => format!("{sign} {target} met"),
            (Some(target), Some(_)) => format!("{sign} {target} MISSED"),
            (Some(target), None) => format!("{sign} {target} (not run)"),
            (None, _) => String::new(),
        }
    }
}

/// Renders the rows as an aligned plain-text table.
pub(crate) fn render(rows: &[Row]) -> String {
    let header = ["figure", "ours", "progenitor / baseline", "ratio", "target"].map(String::from);
    let cells: Vec<[String; 5]> = std::iter::once(header)
        .chain(rows.iter().map(|row| {
            [
                row.figure.clone(),
                row.ours.clone(),
                row.other.clone(),
                row.ratio
                    .map_or_else(|| "-".to_string(), |r| format!("{r:.3}")),
                row.verdict(),
            ]
        }))
        .collect();
    let mut widths = [0; 5];
    for line in &cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, line) in cells.iter().enumerate() {
        let mut text = String::new();
        for (column, cell) in line.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            // Text columns are left-aligned, figures right-aligned.
            if column == 0 || column == 4 {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
        if i == 0 {
            let total = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// The final line: `{"regen_ratio":…, …}` in the given order, each ratio
/// rounded to three decimals, `null` when not measured.
pub(crate) fn json(ratios: &[(&str, Option<f64>)]) -> String {
    let fields: Vec<String> = ratios
        .iter()
        .map(|(key, value)| {
            let value = value
                .filter(|v| v.is_finite())
                .map_or_else(|| "null".to_string(), |v| format!("{}", round3(v)));
            format!("\"{key}\":{value}")
        })
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::{Row, json, render};

    #[test]
    fn json_keeps_order_rounds_and_writes_null() {
        assert_eq!(
            json(&[("a", Some(0.123_456)), ("b", None), ("c", Some(2.0))]),
            r#"{"a":0.123, "b":null, "c":2}"#
        );
        let parsed: serde_json::Value =
            serde_json::from_str(&json(&[("x", Some(f64::NAN)), ("y", Some(1.5))])).unwrap();
        assert_eq!(parsed, serde_json::json!({"x": null, "y": 1.5}));
    }

    #[test]
    fn table_aligns_and_judges_targets() {
        let rows = [
            Row::new("regen", "0.1 s".into(), "1.0 s".into())
                .ratio(0.1)
                .target(0.2),
            Row::new("decode", "12 µs".into(), "10 µs".into())
                .ratio(1.25)
                .target(1.2),
            Row::new("lines", "100".into(), "200".into()),
        ];
        let table = render(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[2].ends_with("≤ 0.2 met"), "{table}");
        assert!(lines[3].ends_with("≤ 1.2 MISSED"), "{table}");
        assert!(lines[4].ends_with("-"), "{table}");
        // Every figure column ends at the same place.
        let end = |line: &str, cell: &str| line.find(cell).map(|i| i + cell.len());
        assert_eq!(
            end(lines[2], "0.1 s"),
            end(lines[3], "12 µs").map(|e| e - 1)
        );
    }
}

#[cfg(test)]
mod verdict_tests {
    use super::Row;

    #[test]
    fn ceilings_and_floors() {
        let row = |ratio: f64| Row::new("x", String::new(), String::new()).ratio(ratio);
        assert_eq!(row(0.9).target(1.0).verdict(), "≤ 1 met");
        assert_eq!(row(1.1).target(1.0).verdict(), "≤ 1 MISSED");
        assert_eq!(row(0.96).target_at_least(0.95).verdict(), "≥ 0.95 met");
        assert_eq!(row(0.9).target_at_least(0.95).verdict(), "≥ 0.95 MISSED");
        let unmeasured = Row::new("x", String::new(), String::new()).target_at_least(0.95);
        assert_eq!(unmeasured.verdict(), "≥ 0.95 (not run)");
    }
}
