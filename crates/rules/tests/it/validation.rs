//! Rules files that are wrong get precise diagnostics: a stable code, the
//! field path, the line, and a Chinese message.

use pingshen_rules::{Diagnostic, Rules};

const MUNICIPAL: &str = include_str!("../../../../assets/rules/municipal-construction.toml");

fn errors(text: &str) -> Vec<Diagnostic> {
    match Rules::from_toml(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.0,
    }
}

fn find<'a>(list: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    list.iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {list:#?}"))
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let at = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle");
    u32::try_from(at + 1).unwrap()
}

const BASE: &str = include_str!("../fixtures/small.toml");

#[test]
fn the_base_file_is_valid() {
    Rules::from_toml(BASE).unwrap();
}

#[test]
fn maxima_not_summing_to_the_total() {
    let text = BASE.replace("max = \"40\"", "max = \"35\"");
    let list = errors(&text);
    let d = find(&list, "total_mismatch");
    assert_eq!(d.path, "meta.total");
    assert_eq!(d.line, Some(line_of(&text, "total = ")));
    assert!(d.message_zh.contains("95"), "{}", d.message_zh);
    assert!(d.message_zh.contains("技术35"), "{}", d.message_zh);
}

#[test]
fn a_step_that_does_not_divide_the_range() {
    let text = BASE.replace("step = \"0.5\"", "step = \"3\"");
    let list = errors(&text);
    let d = find(&list, "step_not_dividing_range");
    assert_eq!(d.path, "factors[0].step");
    assert_eq!(d.line, Some(line_of(&text, "step = \"3\"")));
}

#[test]
fn a_price_method_missing_a_parameter() {
    let text = BASE.replace("method = \"lowest_price\"", "method = \"deviation\"");
    let list = errors(&text);
    let paths: Vec<&str> = list
        .iter()
        .filter(|d| d.code == "price_parameter_missing")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(paths, vec!["price.benchmark", "price.deviation"]);
    // A missing field has no line of its own: it points at its section.
    assert_eq!(list[0].line, Some(line_of(&text, "[price]")));

    let text = format!("{BASE}\n[price.benchmark]\nkind = \"trimmed_mean\"\n[price.deviation]\nabove_per_percent = \"1\"\nbelow_per_percent = \"0.5\"\n")
        .replace("method = \"lowest_price\"", "method = \"deviation\"");
    let d = find(&errors(&text), "price_parameter_missing").clone();
    assert_eq!(d.path, "price.benchmark.trim");
}

#[test]
fn an_unknown_field_names_the_field_and_line() {
    let text = BASE.replace("step = \"0.5\"", "step = \"0.5\"\nstpe = \"1\"");
    let list = errors(&text);
    let d = find(&list, "unknown_field");
    assert!(d.message_zh.contains("stpe"), "{}", d.message_zh);
    assert_eq!(d.line, Some(line_of(&text, "stpe")));
    assert!(d.path.starts_with("factors[0]"), "{}", d.path);
}

#[test]
fn an_unknown_value_lists_the_choices() {
    let text = BASE.replace("group = \"technical\"", "group = \"tech\"");
    let d = find(&errors(&text), "unknown_value").clone();
    assert!(d.message_zh.contains("technical"), "{}", d.message_zh);
    assert_eq!(d.line, Some(line_of(&text, "group = \"tech\"")));
}

#[test]
fn floats_are_refused_for_exactness() {
    let text = BASE.replace("step = \"0.5\"", "step = 0.5");
    let d = find(&errors(&text), "decimal_not_string").clone();
    assert_eq!(d.line, Some(line_of(&text, "step = 0.5")));
    // Integers are exact and accepted.
    let text = BASE.replace("max = \"40\"", "max = 40");
    Rules::from_toml(&text).unwrap();
}

#[test]
fn toml_syntax_errors_have_a_line() {
    let text = BASE.replace("name = \"施工方案\"", "name = \"施工方案");
    let d = find(&errors(&text), "toml_syntax").clone();
    assert_eq!(d.line, Some(line_of(&text, "name = \"施工方案")));
}

#[test]
fn a_missing_field_is_named() {
    let text = BASE.replace("stage = \"form\"\n", "");
    let d = find(&errors(&text), "missing_field").clone();
    assert!(d.message_zh.contains("stage"), "{}", d.message_zh);
}

#[test]
fn several_problems_are_reported_together() {
    let text = BASE
        .replace("size = 3", "size = 4")
        .replace("id = \"tech.plan\"", "id = \"form.signature\"\n")
        .replace(
            "tie_break = [\"lower_price\", \"lots\"]",
            "tie_break = [\"lots\", \"lower_price\"]",
        );
    let list = errors(&text);
    for code in ["panel_size_invalid", "tie_break_lots_last"] {
        find(&list, code);
    }
    // Factor ids and criterion ids live in different namespaces.
    assert!(list.iter().all(|d| d.code != "duplicate_id"));
}

#[test]
fn duplicate_and_malformed_ids() {
    let text = BASE.replace("id = \"price.bid\"", "id = \"tech.plan\"");
    let d = find(&errors(&text), "duplicate_id").clone();
    assert_eq!(d.path, "factors[1].id");
    let text = BASE.replace("id = \"tech.plan\"", "id = \"施工 方案\"");
    find(&errors(&text), "invalid_id");
}

#[test]
fn fields_of_another_kind_are_refused() {
    let text = BASE.replace(
        "kind = \"price\"\nmax = \"60\"",
        "kind = \"price\"\nmax = \"60\"\nstep = \"1\"",
    );
    let d = find(&errors(&text), "field_not_for_kind").clone();
    assert_eq!(d.path, "factors[1].step");
}

#[test]
fn price_factor_rules() {
    let text = BASE.replace("group = \"price\"", "group = \"business\"");
    find(&errors(&text), "price_factor_group");
    let no_price = BASE
        .replace("kind = \"price\"", "kind = \"pass_fail\"")
        .replace("[price]\nmethod = \"lowest_price\"\n", "");
    find(&errors(&no_price), "price_factor_missing");
    let text = BASE.replace("[price]\nmethod = \"lowest_price\"\n", "");
    find(&errors(&text), "price_section_missing");
    let text = BASE.replace("method = \"lowest_price\"", "method = \"evaluated_price\"");
    find(&errors(&text), "price_method_mismatch");
    let text = format!(
        "{BASE}\n[price.k]\napply = \"discount\"\nmin = \"0\"\nmax = \"0.03\"\nstep = \"0.01\"\n"
    );
    find(&errors(&text), "price_parameter_not_allowed");
}

fn deviation_base(extra: &str) -> String {
    BASE.replace("method = \"lowest_price\"", "method = \"deviation\"")
        + "\n[price.deviation]\nabove_per_percent = \"1\"\nbelow_per_percent = \"0.5\"\n"
        + extra
}

#[test]
fn trim_bands_must_cover_every_count() {
    let gap = "[price.benchmark]\nkind = \"trimmed_mean\"\n[[price.benchmark.trim]]\nmin_bids = 1\nmax_bids = 5\n[[price.benchmark.trim]]\nmin_bids = 7\ndrop_highest = 1\ndrop_lowest = 1\n";
    let d = find(&errors(&deviation_base(gap)), "trim_bands_gap").clone();
    assert_eq!(d.path, "price.benchmark.trim[1].min_bids");
    let all = "[price.benchmark]\nkind = \"trimmed_mean\"\n[[price.benchmark.trim]]\nmin_bids = 1\ndrop_highest = 1\n";
    find(&errors(&deviation_base(all)), "trim_drops_all");
}

#[test]
fn composite_weights_must_sum_to_one() {
    let text = deviation_base(
        "[price.benchmark]\nkind = \"composite\"\ncomponents = [{ source = \"mean\", weight = \"0.5\" }, { source = \"lowest\", weight = \"0.3\" }]\n",
    );
    let d = find(&errors(&text), "weights_not_one").clone();
    assert!(d.message_zh.contains("0.8"), "{}", d.message_zh);
}

#[test]
fn k_ranges_are_checked() {
    let bench = "[price.benchmark]\nkind = \"composite\"\ncomponents = [{ source = \"mean\", weight = \"1\" }]\n";
    let text = deviation_base(&format!(
        "{bench}[price.k]\napply = \"multiply\"\nmin = \"0\"\nmax = \"1\"\nstep = \"0.1\"\n"
    ));
    let d = find(&errors(&text), "value_out_of_range").clone();
    assert_eq!(d.path, "price.k.min");
    let text = deviation_base(&format!(
        "{bench}[price.k]\napply = \"discount\"\nmin = \"0\"\nmax = \"0.03\"\nstep = \"0.02\"\n"
    ));
    find(&errors(&text), "step_not_dividing_range");
}

#[test]
fn floor_above_the_price_maximum() {
    let text = deviation_base(
        "floor = \"70\"\n[price.benchmark]\nkind = \"composite\"\ncomponents = [{ source = \"lowest\", weight = \"1\" }]\n",
    );
    let d = find(&errors(&text), "floor_above_max").clone();
    assert_eq!(d.path, "price.deviation.floor");
}

#[test]
fn options_and_deductions_are_checked() {
    let text = BASE.replace(
        "kind = \"range\"\nmax = \"40\"\nstep = \"0.5\"",
        "kind = \"options\"\nmax = \"40\"\noptions = [{ id = \"a\", label = \"好\", points = \"30\" }]",
    );
    find(&errors(&text), "options_max_unreachable");
    let text = BASE.replace(
        "kind = \"range\"\nmax = \"40\"\nstep = \"0.5\"",
        "kind = \"deductions\"\nmax = \"40\"\ndeductions = [{ id = \"x\", label = \"缺项\", points = \"0\" }]",
    );
    let d = find(&errors(&text), "value_out_of_range").clone();
    assert_eq!(d.path, "factors[0].deductions[0].points");
    let text = BASE.replace(
        "kind = \"range\"\nmax = \"40\"\nstep = \"0.5\"",
        "kind = \"range\"\nmax = \"40\"",
    );
    find(&errors(&text), "missing_field");
}

#[test]
fn method_specific_sections() {
    let text = BASE.replace("method = \"comprehensive\"", "method = \"qualification\"");
    let list = errors(&text);
    for code in [
        "field_not_allowed",
        "factors_not_allowed",
        "price_section_not_allowed",
    ] {
        find(&list, code);
    }
    let text = MUNICIPAL.replace("version = 1", "version = 2");
    find(&errors(&text), "unsupported_version");
    let text = MUNICIPAL.replace(
        "deviation_threshold = \"0.30\"",
        "deviation_threshold = \"30\"",
    );
    let d = find(&errors(&text), "value_out_of_range").clone();
    assert_eq!(d.path, "panel.deviation_threshold");
    assert_eq!(d.line, Some(line_of(&text, "deviation_threshold")));
}

#[test]
fn diagnostics_render_with_line_code_and_path() {
    let text = BASE.replace("step = \"0.5\"", "step = \"3\"");
    let err = Rules::from_toml(&text).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("[step_not_dividing_range] factors[0].step"),
        "{shown}"
    );
    assert!(
        shown.starts_with(&format!("第{}行", line_of(&text, "step = \"3\""))),
        "{shown}"
    );
}

#[test]
fn rules_cross_json_through_the_same_validation() {
    let rules = Rules::from_toml(MUNICIPAL).unwrap();
    let json = serde_json::to_string(&rules).unwrap();
    let back: Rules = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rules);
    let broken = json.replace("\"size\":5", "\"size\":4");
    let err = serde_json::from_str::<Rules>(&broken).unwrap_err();
    assert!(err.to_string().contains("panel_size_invalid"), "{err}");
}

#[test]
fn huge_or_overly_precise_numbers_are_refused() {
    let text = BASE.replace("max = \"40\"", "max = \"99999999999999999999999\"");
    find(&errors(&text), "value_too_large");
    let text = BASE
        .replace("max = \"40\"", "max = \"20000\"")
        .replace("total = \"100\"", "total = \"20060\"");
    let list = errors(&text);
    let paths: Vec<&str> = list
        .iter()
        .filter(|d| d.code == "value_out_of_range")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(paths, vec!["meta.total", "factors[0].max"]);
    let text = BASE.replace("step = \"0.5\"", "step = \"0.00000000001\"");
    find(&errors(&text), "too_many_decimals");
}
