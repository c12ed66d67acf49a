//! Application variables: `[variables]` declarations, `SPIN_VARIABLE_<NAME>`
//! environment overrides (Spin's default provider), and each component's
//! `[component.x.variables]` templates, resolved once at start-up.

use crate::manifest::{Manifest, is_valid_variable_name};
use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// The values of the app's variables after providers were consulted.
#[derive(Debug, Default, Clone)]
pub struct AppVariables {
    values: BTreeMap<String, String>,
}

impl AppVariables {
    /// `env` is the environment to read overrides from (normally `std::env::vars`).
    pub fn resolve(
        manifest: &Manifest,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self> {
        let env: BTreeMap<String, String> = env.into_iter().collect();
        let mut values = BTreeMap::new();
        let mut missing = Vec::new();
        for (name, decl) in &manifest.variables {
            let key = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
            match env.get(&key).cloned().or_else(|| decl.default.clone()) {
                Some(v) => {
                    values.insert(name.clone(), v);
                }
                None if decl.required => missing.push(name.clone()),
                None => {}
            }
        }
        if !missing.is_empty() {
            bail!(
                "required variable(s) without a value: {} (set SPIN_VARIABLE_<NAME>)",
                missing.join(", ")
            );
        }
        Ok(Self { values })
    }

    /// The value of `name` (a `[variables]` entry) after providers were consulted.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Expands `{{ name }}` references in a component variable's template.
    pub fn expand(&self, template: &str) -> Result<String> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                bail!("unterminated '{{{{' in {template:?}");
            };
            let name = after[..end].trim();
            if !is_valid_variable_name(name) {
                bail!("invalid variable reference {name:?} in {template:?}");
            }
            match self.values.get(name) {
                Some(v) => out.push_str(v),
                None => {
                    bail!("template {template:?} refers to variable {name:?}, which has no value")
                }
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// A component's own variables, templates expanded.
#[derive(Debug, Default, Clone)]
pub struct ComponentVariables {
    values: BTreeMap<String, String>,
}

/// Why a variable lookup failed, mirroring the WIT `error` variants.
#[derive(Debug, PartialEq)]
pub enum LookupError {
    InvalidName(String),
    Undefined(String),
}

impl ComponentVariables {
    pub fn resolve(app: &AppVariables, templates: &BTreeMap<String, String>) -> Result<Self> {
        let mut values = BTreeMap::new();
        for (k, t) in templates {
            values.insert(k.clone(), app.expand(t)?);
        }
        Ok(Self { values })
    }

    pub fn get(&self, name: &str) -> Result<String, LookupError> {
        if !is_valid_variable_name(name) {
            return Err(LookupError::InvalidName(format!(
                "{name:?} is not a valid variable name"
            )));
        }
        self.values
            .get(name)
            .cloned()
            .ok_or_else(|| LookupError::Undefined(format!("no variable named {name:?}")))
    }

    pub fn all(&self) -> Vec<(String, String)> {
        self.values
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        toml::from_str(
            r#"
spin_manifest_version = 2
[application]
name = "x"
[variables]
greeting = { default = "hello" }
token = { required = true, secret = true }
optional = { }
"#,
        )
        .unwrap()
    }

    #[test]
    fn env_overrides_defaults_and_fills_required() {
        let vars = AppVariables::resolve(
            &manifest(),
            [
                ("SPIN_VARIABLE_TOKEN".to_string(), "s3cret".to_string()),
                ("SPIN_VARIABLE_GREETING".to_string(), "ni hao".to_string()),
            ],
        )
        .unwrap();
        assert_eq!(vars.get("token"), Some("s3cret"));
        assert_eq!(vars.get("greeting"), Some("ni hao"));
        assert_eq!(vars.get("optional"), None);
    }

    #[test]
    fn missing_required_is_refused() {
        let err = AppVariables::resolve(&manifest(), []).unwrap_err();
        assert!(err.to_string().contains("token"), "{err}");
    }

    #[test]
    fn templates_expand_and_lookups_check_names() {
        let vars = AppVariables::resolve(
            &manifest(),
            [("SPIN_VARIABLE_TOKEN".to_string(), "t".to_string())],
        )
        .unwrap();
        let templates = BTreeMap::from([
            (
                "composite".to_string(),
                "{{ greeting }}-{{token}}!".to_string(),
            ),
            ("plain".to_string(), "literal".to_string()),
        ]);
        let cv = ComponentVariables::resolve(&vars, &templates).unwrap();
        assert_eq!(cv.get("composite").unwrap(), "hello-t!");
        assert_eq!(cv.get("plain").unwrap(), "literal");
        assert!(matches!(cv.get("nope"), Err(LookupError::Undefined(_))));
        assert!(matches!(
            cv.get("Bad-Name"),
            Err(LookupError::InvalidName(_))
        ));
        let bad = BTreeMap::from([("x".to_string(), "{{ optional }}".to_string())]);
        assert!(ComponentVariables::resolve(&vars, &bad).is_err());
    }
}
