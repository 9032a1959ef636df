// ONNX Runtime (CPU) as a long-lived worker for side_by_side.py, so that its
// rounds can alternate with Kiln's and PyTorch's without reloading.
//
// usage: node ort_worker.js MODEL.onnx THREADS INPUT.bin D0,D1,...
// INPUT.bin holds the float32 input (native byte order). Then, one command a
// line on stdin, one JSON line back on stdout:
//   run N        -> {"samples_ms": [...]}   N timed runs
//   output FILE  -> {"dims": [...]}         writes the first output to FILE as float32
//   quit
// It prints {"ready": true, ...} once the session is loaded.
'use strict';

const fs = require('fs');
const readline = require('readline');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, threadsArg, inputPath, dimsArg] = process.argv.slice(2);
  const threads = parseInt(threadsArg, 10);
  // Sequential execution with one inter-op thread: `threads` is then the
  // number of cores ORT computes on, as for Kiln and PyTorch.
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const bytes = fs.readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const dims = dimsArg.split(',').map(Number);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
  const reply = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  reply({ready: true, version: ort.env.versions ? ort.env.versions.common : '',
         inputs: session.inputNames, outputs: session.outputNames});

  const lines = readline.createInterface({input: process.stdin});
  for await (const line of lines) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'run') {
      const samples = [];
      for (let i = 0; i < parseInt(arg, 10); ++i) {
        const start = process.hrtime.bigint();
        await session.run(feeds);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      reply({samples_ms: samples});
    } else if (cmd === 'output') {
      const out = (await session.run(feeds))[session.outputNames[0]];
      fs.writeFileSync(arg, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
      reply({dims: out.dims});
    } else if (cmd === 'quit') {
      break;
    } else {
      reply({error: 'unknown command: ' + line});
    }
  }
  lines.close();
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
