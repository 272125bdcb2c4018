#!/usr/bin/env node
// cri.js SOCKET METHOD [REQUEST_JSON]: one CRI call, the response as JSON on
// stdout; exit 1 with the gRPC status on stderr when the call fails.
// cri.js SOCKET -: many calls, one per input line "METHOD REQUEST_JSON",
// each answered by one output line: the response, or {"cri_error": "..."}
// (one node start for a whole test: under emulation a start costs seconds).
// METHOD is a RuntimeService or ImageService method (RunPodSandbox,
// ExecSync, ImageStatus, ...); field names as in api.proto (snake_case);
// fields at their default value are printed too.
'use strict';
const path = require('path');
const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [sock, method, reqText] = process.argv.slice(2);
if (!sock || !method) {
  process.stderr.write('usage: cri.js SOCKET METHOD [REQUEST_JSON] | cri.js SOCKET -\n');
  process.exit(2);
}
const def = loader.loadSync(path.join(__dirname, 'api.proto'), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const v1 = grpc.loadPackageDefinition(def).runtime.v1;
const target = 'unix://' + sock;
const clients = {
  runtime: new v1.RuntimeService(target, grpc.credentials.createInsecure()),
  image: new v1.ImageService(target, grpc.credentials.createInsecure()),
};

// bytes (ExecSync's stdout and stderr) as text
const text = (res) => JSON.stringify(res, (k, v) =>
  v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString() : v);

function call(name, request) {
  return new Promise((resolve, reject) => {
    const client = v1.RuntimeService.service[name] ? clients.runtime
      : v1.ImageService.service[name] ? clients.image : null;
    if (!client) return reject(new Error(`no CRI method ${name}`));
    const deadline = new Date(Date.now() + 120000);
    client[name](request, { deadline }, (err, res) =>
      err ? reject(new Error(`${name}: ${err.details || err.message}`)) : resolve(res));
  });
}

async function lines() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const sp = line.indexOf(' ');
    const name = sp < 0 ? line : line.slice(0, sp);
    try {
      const res = await call(name, sp < 0 ? {} : JSON.parse(line.slice(sp + 1)));
      process.stdout.write(text(res) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ cri_error: e.message }) + '\n');
    }
  }
}

async function main() {
  if (method === '-') return lines();
  try {
    process.stdout.write(text(await call(method, reqText ? JSON.parse(reqText) : {})) + '\n');
  } catch (e) {
    process.stderr.write(`cri.js: ${e.message}\n`);
    process.exitCode = 1;
  }
}
main().finally(() => { clients.runtime.close(); clients.image.close(); });
