// The document viewer's bridge to pdf.js. Documents are read through the
// desktop's `pingshen-doc` protocol (decrypted in memory, range by range);
// nothing goes to the network and nothing is written to disk.
//
// A document URL that names its size (`…?size=N`) is read through a range
// transport: pdf.js asks for the 64 KiB ranges it needs and this file fetches
// each from the protocol (`?range=bytes=a-b`). pdf.js sends no Range header to
// a custom scheme by itself, so without this it would read the whole file
// before the first page — and a file still downloading could not open.
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

// Bytes [begin, end) of the document at `base`. XMLHttpRequest, as pdf.js
// itself uses for custom schemes.
function fetchRange(base, begin, end) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", `${base}?range=bytes=${begin}-${end - 1}`);
    xhr.responseType = "arraybuffer";
    xhr.onload = () => {
      if (xhr.status === 206 || xhr.status === 200) {
        resolve(new Uint8Array(xhr.response));
      } else {
        const text = new TextDecoder().decode(xhr.response || new ArrayBuffer(0));
        reject(new Error(text || `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new Error("无法读取文件"));
    xhr.send();
  });
}

async function open(url) {
  const pdfjsLib = await pdfjs();
  const params = {
    isEvalSupported: false,
    cMapUrl: "/vendor/pdfjs/cmaps/",
    cMapPacked: true,
    rangeChunkSize: 65536,
    disableAutoFetch: true,
    disableStream: true,
  };
  const [base, query] = url.split("?");
  const size = Number(new URLSearchParams(query || "").get("size") || 0);
  let failed = null;
  let task = null;
  if (size > 0) {
    const transport = new pdfjsLib.PDFDataRangeTransport(size, null);
    transport.requestDataRange = (begin, end) => {
      fetchRange(base, begin, end).then(
        (bytes) => transport.onDataRange(begin, bytes),
        (e) => {
          // pdf.js has no way to fail one range: end the document, so the
          // page (or the opening) fails with this message and the next
          // attempt opens it afresh.
          failed = e;
          documents.delete(url);
          if (task) task.destroy();
        },
      );
    };
    params.range = transport;
    params.length = size;
  } else {
    params.url = url;
  }
  task = pdfjsLib.getDocument(params);
  try {
    return await task.promise;
  } catch (e) {
    throw failed || e;
  }
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
