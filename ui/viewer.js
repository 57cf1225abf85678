// The document viewer's bridge to pdf.js. Documents are read through the
// desktop's `pingshen-doc` protocol (decrypted in memory, range by range);
// nothing goes to the network and nothing is written to disk.
//
// pdf.js is imported lazily, on the first document opened: a failure to load
// it then shows as a viewer error instead of stopping the whole app.
let library = null;

function pdfjs() {
  if (!library) {
    library = import("/vendor/pdfjs/pdf.min.mjs").then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/pdf.worker.min.mjs";
      return lib;
    });
    // A failed import may be retried later.
    library.catch(() => {
      library = null;
    });
  }
  return library;
}

const documents = new Map();

async function open(url) {
  const pdfjsLib = await pdfjs();
  return pdfjsLib.getDocument({
    url,
    isEvalSupported: false,
    cMapUrl: "/vendor/pdfjs/cmaps/",
    cMapPacked: true,
    rangeChunkSize: 65536,
    disableAutoFetch: true,
  }).promise;
}

function load(url) {
  if (!documents.has(url)) {
    const opening = open(url);
    documents.set(url, opening);
    // A document that failed to open is opened afresh next time.
    opening.catch(() => documents.delete(url));
  }
  return documents.get(url);
}

export async function pageCount(url) {
  const doc = await load(url);
  return doc.numPages;
}

// Renders one page into the element `containerId` at `scale`, with a text
// layer; spans containing `term` get the class `hit`. Returns the number of
// highlighted spans.
export async function renderPage(containerId, url, pageNumber, scale, term) {
  const pdfjsLib = await pdfjs();
  const doc = await load(url);
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  const container = document.getElementById(containerId);
  if (!container) return 0;
  container.replaceChildren();
  container.style.width = `${viewport.width}px`;
  container.style.height = `${viewport.height}px`;
  container.style.setProperty("--total-scale-factor", String(scale));
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  container.appendChild(canvas);
  await page.render({
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0],
  }).promise;
  const textDiv = document.createElement("div");
  textDiv.className = "textLayer";
  container.appendChild(textDiv);
  const layer = new pdfjsLib.TextLayer({
    textContentSource: page.streamTextContent(),
    container: textDiv,
    viewport,
  });
  await layer.render();
  let hits = 0;
  if (term) {
    for (const span of textDiv.querySelectorAll("span")) {
      if (span.textContent && span.textContent.includes(term)) {
        span.classList.add("hit");
        hits += 1;
      }
    }
    const first = textDiv.querySelector("span.hit");
    if (first) first.scrollIntoView({ block: "center" });
  }
  return hits;
}
