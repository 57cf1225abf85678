//! RFC 8785 canonicalisation: the RFC's examples and the reference test data
//! (cyberphone/json-canonicalization, values and weird property names).

use pingshen_pki::jcs::{canonicalize, is_canonical, to_canonical};

fn canon(s: &str) -> String {
    String::from_utf8(canonicalize(s.as_bytes()).unwrap()).unwrap()
}

#[test]
fn rfc8785_section_3_2_2_example() {
    let input = r#"{
  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
  "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
    let want = "{\"escaping\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false],\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}";
    assert_eq!(canon(input), want);
}

#[test]
fn property_names_sort_by_utf16_code_units() {
    let input = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control\u007f",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
    let want = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\u{7f}\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(canon(input), want);
}

#[test]
fn reference_weird_names() {
    let input = r#"{
  "\u20ac": "Euro Sign",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}"#;
    let want = "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😂\":\"Smiley\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(canon(input), want);
}

#[test]
fn nested_structures_and_no_unicode_normalisation() {
    assert_eq!(
        canon(r#" { "b" : [ 1 , { "d":2,"c":3 } ], "a" : {} } "#),
        r#"{"a":{},"b":[1,{"c":3,"d":2}]}"#
    );
    // RFC 8785 does not normalise: "Å" as A + combining ring stays two code points.
    assert_eq!(canon("\"A\\u030a\""), "\"A\u{30a}\"");
    assert_eq!(canon("-0"), "0");
    assert_eq!(canon("[1.0, 100, 1e2, -1.5e-7]"), "[1,100,100,-1.5e-7]");
}

#[test]
fn canonical_form_is_a_fixed_point_and_detected() {
    let c = canonicalize(br#"{"z":1,"a":"x"}"#).unwrap();
    assert_eq!(canonicalize(&c).unwrap(), c);
    assert!(is_canonical(&c));
    assert!(!is_canonical(br#"{"z":1, "a":"x"}"#));
    assert!(!is_canonical(br#"{"a":1.50}"#));
}

#[test]
fn serialisable_values_canonicalise() {
    #[derive(serde::Serialize)]
    struct Sheet<'a> {
        project: &'a str,
        score: &'a str,
        items: Vec<u32>,
    }
    let v = Sheet {
        project: "JA-2026-0117",
        score: "87.50",
        items: vec![3, 1],
    };
    assert_eq!(
        to_canonical(&v).unwrap(),
        br#"{"items":[3,1],"project":"JA-2026-0117","score":"87.50"}"#.to_vec()
    );
}

#[test]
fn invalid_json_is_refused_with_a_code() {
    for bad in [
        &br#"{"a":1,"a":2}"#[..],
        b"[",
        b"{'a':1}",
        b"NaN",
        b"\"\\ud83d\"",
    ] {
        let e = canonicalize(bad).unwrap_err();
        assert_eq!(
            e.code(),
            "invalid_json",
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}
