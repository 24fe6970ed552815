/** Reads the CodeDirectory of a Mach-O executable's code signature, to compare signatures in tests. */
export interface CodeDirectory {
  /** Where the signature starts: everything before it is hashed. */
  dataoff: number;
  flags: number;
  codeLimit: number;
  execSeg: { base: bigint; limit: bigint; flags: bigint };
  /** SHA-256 of each 4 KiB page below codeLimit, as hex. */
  pageHashes: string[];
}

export function codeDirectory(file: Buffer): CodeDirectory | undefined {
  let at = 32;
  for (let i = 0; i < file.readUInt32LE(16); i += 1) {
    if (file.readUInt32LE(at) === 0x1d) {
      const dataoff = file.readUInt32LE(at + 8);
      const count = file.readUInt32BE(dataoff + 8);
      for (let b = 0; b < count; b += 1) {
        if (file.readUInt32BE(dataoff + 12 + b * 8) !== 0) continue;
        const cd = dataoff + file.readUInt32BE(dataoff + 16 + b * 8);
        const hashOffset = file.readUInt32BE(cd + 16);
        const hashSize = file.readUInt8(cd + 36);
        return {
          dataoff,
          flags: file.readUInt32BE(cd + 12),
          codeLimit: file.readUInt32BE(cd + 32),
          execSeg: {
            base: file.readBigUInt64BE(cd + 64),
            limit: file.readBigUInt64BE(cd + 72),
            flags: file.readBigUInt64BE(cd + 80),
          },
          pageHashes: Array.from({ length: file.readUInt32BE(cd + 28) }, (_, n) =>
            file.toString('hex', cd + hashOffset + n * hashSize, cd + hashOffset + (n + 1) * hashSize),
          ),
        };
      }
    }
    at += file.readUInt32LE(at + 4);
  }
  return undefined;
}
