// The document viewer's bridge to pdf.js. Documents are read through the
// desktop's `pingshen-doc` protocol (decrypted in memory, range by range);
// nothing goes to the network and nothing is written to disk.
//
// A document URL that names its size (`…?size=N`) is read through a range
// transport: pdf.js asks for the ranges it needs and this file fetches them
// from the protocol (`?range=bytes=a-b`, or several at once with
// `?ranges=bytes=a-b,c-d`). pdf.js sends no Range header to
// a custom scheme by itself, so without this it would read the whole file
// before the first page — and a file still downloading could not open.
//
// pdf.js is imported lazily, on the first document opened: a failure to load
// it then shows as a viewer error instead of stopping the whole app.
let library = null;
// One pdf.js worker for every document: starting a worker parses pdf.js's
// worker script, which costs a noticeable part of opening a page.
let sharedWorker = null;

function pdfjs() {
  if (!library) {
    library = import("/vendor/pdfjs/pdf.min.mjs").then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/pdf.worker.min.mjs";
      sharedWorker = new lib.PDFWorker();
      return lib;
    });
    // A failed import may be retried later.
    library.catch(() => {
      library = null;
    });
  }
  return library;
}

// Loads pdf.js and starts its worker ahead of the first document (the
// documents page calls this when it opens), so a click shows a page sooner.
export function warm() {
  pdfjs().catch(() => {});
}

const documents = new Map();

// The bytes at `url` (a range or several of a document). XMLHttpRequest,
// as pdf.js itself uses for custom schemes.
function fetchBytes(url, withLengths = false) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.responseType = "arraybuffer";
    xhr.onload = () => {
      if (xhr.status === 206 || xhr.status === 200) {
        const bytes = new Uint8Array(xhr.response);
        if (!withLengths) {
          resolve(bytes);
          return;
        }
        const lengths = (xhr.getResponseHeader("X-Pingshen-Part-Lengths") || "")
          .split(",")
          .map(Number);
        resolve({ bytes, lengths });
      } else {
        const text = new TextDecoder().decode(xhr.response || new ArrayBuffer(0));
        reject(new Error(text || `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new Error("无法读取文件"));
    xhr.send();
  });
}

// Ranges pdf.js asks for together (opening a long bid, it asks for every
// page object at once) go out as one request per 256: one round trip, not
// one per page. A single range may come back longer than asked (to the end
// of a 64 KiB block); pdf.js keeps the rest.
function rangeRequester(base, transport, fail) {
  let pending = [];
  const send = (ranges) => {
    if (ranges.length === 1) {
      const [begin, end] = ranges[0];
      fetchBytes(`${base}?range=bytes=${begin}-${end - 1}`).then(
        (bytes) => transport.onDataRange(begin, bytes),
        fail,
      );
      return;
    }
    const spec = ranges.map(([b, e]) => `${b}-${e - 1}`).join(",");
    fetchBytes(`${base}?ranges=bytes=${spec}`, true).then(({ bytes, lengths }) => {
      // The header gives each part's length; each must cover its range.
      const total = lengths.reduce((n, l) => n + l, 0);
      const short = ranges.some(([b, e], i) => !(lengths[i] >= e - b));
      if (lengths.length !== ranges.length || total !== bytes.length || short) {
        throw new Error("文件片段长度不符");
      }
      let at = 0;
      ranges.forEach(([begin], i) => {
        transport.onDataRange(begin, bytes.subarray(at, at + lengths[i]));
        at += lengths[i];
      });
    }).catch(fail);
  };
  return (begin, end) => {
    if (pending.length === 0) {
      setTimeout(() => {
        const batch = pending;
        pending = [];
        for (let i = 0; i < batch.length; i += 256) send(batch.slice(i, i + 256));
      }, 0);
    }
    pending.push([begin, end]);
  };
}

async function open(url) {
  const pdfjsLib = await pdfjs();
  const params = {
    worker: sharedWorker,
    isEvalSupported: false,
    cMapUrl: "/vendor/pdfjs/cmaps/",
    cMapPacked: true,
    // Small ranges: a page object costs about a kilobyte, not 64 (a file
    // still downloading sends just those leaves, with their proof).
    rangeChunkSize: 512,
    disableAutoFetch: true,
    disableStream: true,
  };
  const [base, query] = url.split("?");
  const size = Number(new URLSearchParams(query || "").get("size") || 0);
  let failed = null;
  let task = null;
  if (size > 0) {
    // The shell fetches what it needs to verify this file's ranges while
    // pdf.js starts (an answer is not awaited; failures show on reading).
    fetchBytes(`${base}?prepare`).catch(() => {});
    const transport = new pdfjsLib.PDFDataRangeTransport(size, null);
    transport.requestDataRange = rangeRequester(base, transport, (e) => {
      // pdf.js has no way to fail one range: end the document, so the page
      // (or the opening) fails with this message and the next attempt
      // opens it afresh.
      failed = e;
      documents.delete(url);
      if (task) task.destroy();
    });
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
