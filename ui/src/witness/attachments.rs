//! Picking attachments (photos, files): read in the webview and handed to
//! the shell, which hashes them and keeps them encrypted. Nothing is
//! uploaded from here; the signed entry carries name, size and SHA-256.

use base64::Engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, WitnessUpload};
use wasm_bindgen::JsCast;

/// The same limit the shell enforces, checked here to answer at once.
const MAX_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

#[component]
pub fn AttachmentPicker(
    files: RwSignal<Vec<WitnessUpload>>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let picked: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        spawn_local(async move {
            for file in picked {
                if file.size() > MAX_BYTES {
                    error.set(Some(AppError::new(
                        "attachment_too_large",
                        format!("附件“{}”超过 20 MB，请压缩后再附", file.name()),
                    )));
                    continue;
                }
                match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                        let media_type = match file.type_() {
                            t if t.is_empty() => "application/octet-stream".to_string(),
                            t => t,
                        };
                        files.update(|f| {
                            f.push(WitnessUpload {
                                name: file.name(),
                                media_type,
                                base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
                            })
                        });
                    }
                    Err(_) => error.set(Some(AppError::new(
                        "attachment_unreadable",
                        format!("无法读取附件“{}”", file.name()),
                    ))),
                }
            }
        });
    };
    view! {
        <div class="attachment-picker">
            <label class="small-button">"添加附件（照片、文件）"
                <input type="file" id="witness-attachment" multiple on:change=on_pick />
            </label>
            <ul class="picked" id="witness-picked">
                {move || files.get().into_iter().enumerate().map(|(i, f)| view! {
                    <li>{f.name.clone()}
                        <button class="link dark small" on:click=move |_| files.update(|fs| { if i < fs.len() { fs.remove(i); } })>"移除"</button>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
