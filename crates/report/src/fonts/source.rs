//! Where the report fonts come from and loading them into memory.
//!
//! Default: Noto Sans CJK SC from Debian's `fonts-noto-cjk` (a collection
//! of ten faces; we pick the SC face by family name). A missing font is an
//! error, never a silent fallback: the archived PDF must show what was signed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ttf_parser::{name_id, Face};

use crate::error::ReportError;

pub const DEFAULT_REGULAR_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
pub const DEFAULT_BOLD_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
/// Face chosen in a collection when no family is named.
pub const DEFAULT_FAMILY: &str = "Noto Sans CJK SC";

/// Environment variable naming the regular font file.
pub const ENV_FONT: &str = "PINGSHEN_REPORT_FONT";
/// Environment variable naming the bold font file.
pub const ENV_FONT_BOLD: &str = "PINGSHEN_REPORT_FONT_BOLD";
/// Environment variable naming the family to pick inside a collection.
pub const ENV_FONT_FAMILY: &str = "PINGSHEN_REPORT_FONT_FAMILY";

/// One font file and, for collections (.ttc/.otc), the family to pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFile {
    pub path: PathBuf,
    /// `None`: [`DEFAULT_FAMILY`] in a collection, the only face otherwise.
    pub family: Option<String>,
}

impl FontFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FontFile {
            path: path.into(),
            family: None,
        }
    }

    pub fn family(mut self, family: impl Into<String>) -> Self {
        self.family = Some(family.into());
        self
    }
}

/// The regular font and, optionally, a bold one for headings. Without a
/// bold font, bold text is drawn with the regular font and a thin outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub regular: FontFile,
    pub bold: Option<FontFile>,
}

impl FontSource {
    /// `PINGSHEN_REPORT_FONT` (and `PINGSHEN_REPORT_FONT_BOLD`,
    /// `PINGSHEN_REPORT_FONT_FAMILY`) when set; otherwise Noto Sans CJK SC
    /// Regular, with Bold when that file is installed.
    pub fn from_env() -> Self {
        let family = std::env::var(ENV_FONT_FAMILY)
            .ok()
            .filter(|f| !f.is_empty());
        let with_family = |file: FontFile| match &family {
            Some(f) => file.family(f.clone()),
            None => file,
        };
        match std::env::var_os(ENV_FONT).filter(|p| !p.is_empty()) {
            Some(regular) => FontSource {
                regular: with_family(FontFile::new(regular)),
                bold: std::env::var_os(ENV_FONT_BOLD)
                    .filter(|p| !p.is_empty())
                    .map(|p| with_family(FontFile::new(p))),
            },
            None => FontSource::noto_default(),
        }
    }

    /// Noto Sans CJK SC at Debian's paths (bold only if installed).
    pub fn noto_default() -> Self {
        let bold = Path::new(DEFAULT_BOLD_PATH)
            .exists()
            .then(|| FontFile::new(DEFAULT_BOLD_PATH));
        FontSource {
            regular: FontFile::new(DEFAULT_REGULAR_PATH),
            bold,
        }
    }

    /// Reads and checks the font files.
    pub fn load(&self) -> Result<LoadedFonts, ReportError> {
        Ok(LoadedFonts {
            regular: Arc::new(LoadedFace::load(&self.regular)?),
            bold: match &self.bold {
                Some(file) => Some(Arc::new(LoadedFace::load(file)?)),
                None => None,
            },
        })
    }
}

/// Fonts read into memory, reusable across renders (the Noto collection is
/// about 19 MB, so an application making many reports loads it once).
#[derive(Debug, Clone)]
pub struct LoadedFonts {
    pub(crate) regular: Arc<LoadedFace>,
    pub(crate) bold: Option<Arc<LoadedFace>>,
}

impl LoadedFonts {
    /// Whether headings use a real bold face (not a synthetic one).
    pub fn has_bold(&self) -> bool {
        self.bold.is_some()
    }
}

/// The bytes of a font file and the index of the chosen face in it.
pub(crate) struct LoadedFace {
    pub(crate) data: Vec<u8>,
    pub(crate) index: u32,
    pub(crate) path: String,
}

/// Without the ~19 MB of font data.
impl std::fmt::Debug for LoadedFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedFace")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl LoadedFace {
    fn load(file: &FontFile) -> Result<Self, ReportError> {
        let path = file.path.display().to_string();
        let data = std::fs::read(&file.path).map_err(|e| ReportError::FontMissing {
            path: path.clone(),
            detail: match e.kind() {
                std::io::ErrorKind::NotFound => "文件不存在".to_string(),
                std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
                _ => format!("无法读取：{e}"),
            },
        })?;
        let index = pick_face(&data, file.family.as_deref(), &path)?;
        let face = Face::parse(&data, index).map_err(|e| invalid(&path, format!("{e}")))?;
        let tables = face.tables();
        if tables.cff.is_none() && tables.glyf.is_none() {
            return Err(invalid(
                &path,
                "既无 CFF 也无 TrueType 字形（不支持 CFF2）".into(),
            ));
        }
        if tables.cmap.is_none() {
            return Err(invalid(&path, "缺少 cmap 表".into()));
        }
        Ok(LoadedFace { data, index, path })
    }
}

fn invalid(path: &str, detail: String) -> ReportError {
    ReportError::FontInvalid {
        path: path.to_string(),
        detail,
    }
}

/// The index of the face to use: in a collection, the one whose family is
/// `family` (default [`DEFAULT_FAMILY`]); in a single font, face 0 (checked
/// against `family` only when one was named).
fn pick_face(data: &[u8], family: Option<&str>, path: &str) -> Result<u32, ReportError> {
    let count = ttf_parser::fonts_in_collection(data);
    let wanted = match (count, family) {
        (None, None) => return Ok(0),
        (_, Some(f)) => f,
        (Some(_), None) => DEFAULT_FAMILY,
    };
    let mut seen = Vec::new();
    for index in 0..count.unwrap_or(1) {
        let face = Face::parse(data, index).map_err(|e| invalid(path, format!("{e}")))?;
        let families = family_names(&face);
        if families.iter().any(|f| f == wanted) {
            return Ok(index);
        }
        seen.extend(families.into_iter().take(1));
    }
    Err(ReportError::FontMissing {
        path: path.to_string(),
        detail: format!(
            "文件中没有字体“{wanted}”，现有：{}；可用环境变量 {ENV_FONT_FAMILY} 指定",
            seen.join("、")
        ),
    })
}

fn family_names(face: &Face) -> Vec<String> {
    let mut names: Vec<String> = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == name_id::TYPOGRAPHIC_FAMILY || n.name_id == name_id::FAMILY)
        .filter_map(|n| n.to_string())
        .collect();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_font_missing() {
        let source = FontSource {
            regular: FontFile::new("/nonexistent/NotoSansCJK-Regular.ttc"),
            bold: None,
        };
        let err = source.load().unwrap_err();
        assert_eq!(err.code(), "font_missing");
        assert!(
            err.message_zh().contains("文件不存在"),
            "{}",
            err.message_zh()
        );
    }

    #[test]
    fn garbage_file_is_font_invalid() {
        // Removed on drop, even when an assertion fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-font.ttf");
        std::fs::write(&path, b"this is not a font at all").unwrap();
        let err = FontSource {
            regular: FontFile::new(&path),
            bold: None,
        }
        .load()
        .unwrap_err();
        assert_eq!(err.code(), "font_invalid");
    }

    #[test]
    fn unknown_family_in_collection_is_font_missing() {
        let err = FontSource {
            regular: FontFile::new(DEFAULT_REGULAR_PATH).family("No Such Family"),
            bold: None,
        }
        .load()
        .unwrap_err();
        assert_eq!(err.code(), "font_missing");
        assert!(
            err.message_zh().contains("Noto Sans CJK SC"),
            "{}",
            err.message_zh()
        );
    }

    #[test]
    fn default_collection_picks_the_sc_face() {
        let face = LoadedFace::load(&FontFile::new(DEFAULT_REGULAR_PATH)).unwrap();
        let parsed = Face::parse(&face.data, face.index).unwrap();
        assert!(family_names(&parsed).iter().any(|f| f == DEFAULT_FAMILY));
        let debug = format!("{face:?}");
        assert!(debug.len() < 200 && debug.contains("index: 2"), "{debug}");
    }
}
