// The text pdf.js finds on each page of a PDF, as its viewer's search reads it (getTextContent,
// the items' strings joined): `node tests/pdfjs_text.mjs PDFJS_DIR FILE.pdf`, one line per page.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [dir, file] = process.argv.slice(2);
const pdfjs = await import(pathToFileURL(`${dir}/node_modules/pdfjs-dist/legacy/build/pdf.mjs`).href);
const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
for (let n = 1; n <= doc.numPages; n++) {
  const content = await (await doc.getPage(n)).getTextContent();
  console.log(content.items.map((item) => item.str + (item.hasEOL ? " " : "")).join(""));
}
