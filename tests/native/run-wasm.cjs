// Runs the Catch2 suite compiled to wasm (build/wasm/tf_tests_wasm.cjs)
// under Node 20. Emscripten 3.1.6's loader would fetch() the .wasm by file
// path, which Node's fetch refuses, so the bytes are handed over as
// Module.wasmBinary. The generated file declares its own `var Module`, so
// it runs inside a function whose `Module` parameter that var then reuses.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const dir = path.resolve(__dirname, '../../build/wasm');
const file = path.join(dir, 'tf_tests_wasm.cjs');
const Module = {
  wasmBinary: fs.readFileSync(path.join(dir, 'tf_tests_wasm.wasm')),
  arguments: process.argv.slice(2),
};
const wrapped = vm.runInThisContext(
  `(function (Module, require, module, exports, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`,
  { filename: file },
);
const mod = { exports: {} };
wrapped(Module, require, mod, mod.exports, file, dir);
