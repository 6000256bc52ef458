'use strict';
// Preloaded (node -r) into a CLI process: from the FULL_DISK_AFTER-th results line on, a write of
// a results line stores half of it and fails as a full disk does (ENOSPC).
const fs = require('node:fs');
const after = Number(process.env.FULL_DISK_AFTER ?? '0');
let lines = 0;
const writeSync = fs.writeSync;
fs.writeSync = function (fd, buffer, ...rest) {
  const text = Buffer.isBuffer(buffer) ? buffer.subarray(0, 8).toString() : '';
  if (text.startsWith('{"cell"') && ++lines > after) {
    writeSync.call(fs, fd, buffer, 0, buffer.length >> 1);
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
  }
  return writeSync.call(fs, fd, buffer, ...rest);
};
