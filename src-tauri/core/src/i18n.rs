//! Messages in the user's language. The UI's own i18n files (ui/src/i18n/*.json) are the
//! single source: the core reads their `errors` and `entities` sections so an error reads
//! the same whether the UI or the CLI shows it.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

const ZH_CN: &str = include_str!("../../../ui/src/i18n/zh-CN.json");
const EN: &str = include_str!("../../../ui/src/i18n/en.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// From a tag such as `zh-CN`, `zh_CN.UTF-8` or `en_US`; Chinese unless it is English.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.to_ascii_lowercase().starts_with("en") {
            Locale::En
        } else {
            Locale::ZhCn
        }
    }

    fn catalogue(self) -> &'static Value {
        static ZH: OnceLock<Value> = OnceLock::new();
        static EN_CAT: OnceLock<Value> = OnceLock::new();
        let (cell, text) = match self {
            Locale::ZhCn => (&ZH, ZH_CN),
            Locale::En => (&EN_CAT, EN),
        };
        cell.get_or_init(|| serde_json::from_str(text).expect("i18n catalogue is valid JSON (checked by tests)"))
    }
}

/// The text at a dotted key, e.g. `errors.auth.forbidden`.
pub fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    key.split('.').try_fold(locale.catalogue(), |node, part| node.get(part)).and_then(Value::as_str)
}

/// Fill `{name}` placeholders (vue-i18n's named interpolation, so both sides share the text).
pub fn fill(template: &str, params: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The message for an error code; entity names in `{entity}` are translated too.
pub fn error_message(locale: Locale, code: &str, params: &[(&str, String)]) -> String {
    let params: Vec<(&str, String)> = params
        .iter()
        .map(|(k, v)| {
            // Codes that stand for words are said in the user's language.
            let words = match *k {
                "entity" => Some("entities"),
                "meal" => Some("meals.meals"),
                _ => None,
            };
            let v = match words {
                Some(group) => lookup(locale, &format!("{group}.{v}")).map(str::to_string).unwrap_or_else(|| v.clone()),
                None => v.clone(),
            };
            (*k, v)
        })
        .collect();
    match lookup(locale, &format!("errors.{code}")) {
        Some(t) => fill(t, &params),
        // Never leave the user with nothing: the generic text plus the code for support.
        None => format!("{} ({code})", lookup(locale, "errors.unknown").unwrap_or("Error")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    keys(&p, child, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        keys("", Locale::ZhCn.catalogue(), &mut zh);
        keys("", Locale::En.catalogue(), &mut en);
        zh.sort();
        en.sort();
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(only_zh.is_empty() && only_en.is_empty(), "zh only: {only_zh:?}; en only: {only_en:?}");
    }

    /// Every validation error code in the core's sources (`Invalid::new` calls) has a message in both
    /// languages: a rule without one would show the clerk a bare code.
    #[test]
    fn every_error_code_in_the_sources_has_a_message() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            // `Invalid::new("code", …)`, and the importer's `p.add(column, "code", …)`.
            let invalid = source.split("Invalid::new(\"").skip(1).map(|p| p.split('"').next().unwrap());
            let added = source.split("p.add(").skip(1).filter_map(|p| p.split('"').nth(1));
            for code in invalid.chain(added) {
                seen += 1;
                for locale in [Locale::ZhCn, Locale::En] {
                    if lookup(locale, &format!("errors.{code}")).is_none() {
                        missing.push(format!("{code} ({locale:?}) in {}", file.display()));
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found the error codes ({seen})");
        assert!(missing.is_empty(), "error codes without a message: {missing:#?}");
    }

    #[test]
    fn fills_named_placeholders() {
        assert_eq!(fill("{a} and {b}", &[("a", "1".into()), ("b", "2".into())]), "1 and 2");
    }

    #[test]
    fn unknown_code_still_reads_as_an_error() {
        let m = error_message(Locale::En, "no.such.code", &[]);
        assert!(m.contains("no.such.code"));
    }

    #[test]
    fn locale_from_system_tags() {
        assert_eq!(Locale::from_tag("en_US.UTF-8"), Locale::En);
        assert_eq!(Locale::from_tag("zh_CN.UTF-8"), Locale::ZhCn);
        assert_eq!(Locale::from_tag("C"), Locale::ZhCn);
    }
}
