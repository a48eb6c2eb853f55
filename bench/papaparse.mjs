// The baseline of bench/score.bench.ts: papaparse reading a CSV file the way its documentation shows for Node (a file
// stream, Node's default 64 KB chunks, delimiter given, chunk callback). Of the ways tried (64 KB, 1 MB, 1 MB passed
// on in 16K-character pieces) this was the fastest. Prints the number of records read.
import { createReadStream } from "node:fs";
import Papa from "papaparse";

let rows = 0;
await new Promise((resolve, reject) => {
  Papa.parse(createReadStream(process.argv[2], { encoding: "utf8" }), {
    delimiter: ",",
    header: false,
    skipEmptyLines: false,
    chunk: (res) => {
      rows += res.data.length;
    },
    complete: resolve,
    error: reject,
  });
});
process.stdout.write(`${rows}\n`);
