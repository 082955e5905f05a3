//! The app's commands are declared once, as `#[tauri::command]` functions in
//! src-tauri/src/commands/; build.rs lists them for the handler and grants them to the
//! window. This test writes their typed TypeScript wrappers, ui/src/bindings/commands.ts,
//! from the same functions (as ts-rs writes the types beside it; scripts/test.sh fails when
//! the committed file is stale), and checks what the window is granted.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Parameters Tauri fills in itself: never sent by the window.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

struct Command {
    name: String,
    docs: Vec<String>,
    params: Vec<(String, String)>,
    /// A `Channel<T>` parameter: its name and `T`, offered as a callback.
    progress: Option<(String, String)>,
    returns: String,
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        Type::Reference(r) => last_segment(&r.elem),
        _ => None,
    }
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript of a Rust type as serde sends it; the names it needs from the bindings
/// go into `imports`.
fn ts(ty: &Type, imports: &mut BTreeSet<String>) -> String {
    if let Type::Tuple(t) = ty {
        assert!(t.elems.is_empty(), "a tuple crosses the IPC: give it a named type");
        return "void".into();
    }
    let segment = last_segment(ty).expect("a type the generator knows: a path, a reference or ()");
    let name = segment.ident.to_string();
    let args = generic_args(segment);
    match name.as_str() {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "f32" | "f64" => {
            "number".into()
        }
        "String" | "str" | "PathBuf" | "NaiveDate" => "string".into(),
        "bool" => "boolean".into(),
        "Option" => format!("{} | null", ts(args[0], imports)),
        "Vec" => {
            let inner = ts(args[0], imports);
            if inner.contains(' ') {
                format!("({inner})[]")
            } else {
                format!("{inner}[]")
            }
        }
        "Result" => ts(args[0], imports),
        _ => {
            assert!(
                Path::new(&format!("{ROOT}/ui/src/bindings/{name}.ts")).exists(),
                "{name} crosses the IPC but has no binding: derive ts_rs::TS with #[ts(export)] on it (its crate's tests write it: run them first)"
            );
            imports.insert(name.clone());
            if args.is_empty() {
                name
            } else {
                let inner: Vec<String> = args.iter().map(|a| ts(a, imports)).collect();
                format!("{name}<{}>", inner.join(", "))
            }
        }
    }
}

fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn commands(imports: &mut BTreeSet<String>) -> Vec<Command> {
    let dir = format!("{ROOT}/src-tauri/src/commands");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("mod.rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for item in file.items {
            let Item::Fn(f) = item else { continue };
            let is_command = f.attrs.iter().any(|a| {
                let segments: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
                segments == ["tauri", "command"]
            });
            if !is_command {
                continue;
            }
            let mut params = Vec::new();
            let mut progress = None;
            for input in &f.sig.inputs {
                let FnArg::Typed(arg) = input else { panic!("{}: a command is a free function", f.sig.ident) };
                let Pat::Ident(ident) = &*arg.pat else { panic!("{}: name each parameter", f.sig.ident) };
                let segment = last_segment(&arg.ty).expect("a named parameter type");
                let kind = segment.ident.to_string();
                if INJECTED.contains(&kind.as_str()) {
                    continue;
                }
                let name = camel(&ident.ident.to_string());
                if kind == "Channel" {
                    progress = Some((name, ts(generic_args(segment)[0], imports)));
                } else {
                    params.push((name, ts(&arg.ty, imports)));
                }
            }
            let returns = match &f.sig.output {
                ReturnType::Default => "void".into(),
                ReturnType::Type(_, ty) => ts(ty, imports),
            };
            out.push(Command { name: f.sig.ident.to_string(), docs: docs(&f.attrs), params, progress, returns });
        }
    }
    out
}

fn render() -> String {
    let mut imports = BTreeSet::new();
    let commands = commands(&mut imports);
    let mut out = String::from(
        "// Made by tests/command_bindings.rs from the #[tauri::command] functions in src-tauri/src/commands/.\n\
         // Do not edit: change the command, and `cargo test` writes this file again.\n\
         import { call, progress } from '../ipc'\n",
    );
    for name in &imports {
        writeln!(out, "import type {{ {name} }} from './{name}'").unwrap();
    }
    for c in &commands {
        out.push('\n');
        if !c.docs.is_empty() {
            if c.docs.len() == 1 {
                writeln!(out, "/** {} */", c.docs[0]).unwrap();
            } else {
                out.push_str("/**\n");
                for line in &c.docs {
                    writeln!(out, " *{}{line}", if line.is_empty() { "" } else { " " }).unwrap();
                }
                out.push_str(" */\n");
            }
        }
        let mut params: Vec<String> = c.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let mut args: Vec<String> = c.params.iter().map(|(n, _)| n.clone()).collect();
        if let Some((name, ty)) = &c.progress {
            params.push(format!("{name}?: (p: {ty}) => void"));
            args.push(format!("{name}: progress({name})"));
        }
        let args = if args.is_empty() { String::new() } else { format!(", {{ {} }}", args.join(", ")) };
        writeln!(
            out,
            "export const {} = ({}): Promise<{}> => call('{}'{args})",
            camel(&c.name),
            params.join(", "),
            c.returns,
            c.name
        )
        .unwrap();
    }
    out
}

#[test]
fn every_command_has_its_typed_wrapper() {
    let text = render();
    assert!(text.matches("export const ").count() > 100, "found the commands");
    let path = format!("{ROOT}/ui/src/bindings/commands.ts");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).unwrap();
    }
}

#[test]
fn the_window_is_granted_every_command_and_of_tauri_only_what_it_needs() {
    let read = |p: &str| std::fs::read_to_string(format!("{ROOT}/{p}")).unwrap();
    let permissions = |file: &str| -> Vec<String> {
        let capability: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
        capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect()
    };
    let mut imports = BTreeSet::new();
    let declared: BTreeSet<String> =
        commands(&mut imports).into_iter().map(|c| format!("allow-{}", c.name.replace('_', "-"))).collect();
    let granted: BTreeSet<String> = permissions("capabilities/commands.json").into_iter().collect();
    assert_eq!(declared, granted, "capabilities/commands.json is made by build.rs: build again");
    // Listening for the close request and closing the window once the user agrees
    // (ui/src/composables/unsavedGuard.ts), and the open urgent alerts in the window's title
    // (ui/src/composables/alerts.ts); nothing else of Tauri's.
    assert_eq!(
        permissions("capabilities/main.json"),
        [
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "core:window:allow-destroy",
            "core:window:allow-set-title"
        ],
        "Tauri permissions granted to the window"
    );
}
