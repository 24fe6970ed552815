/**
 * Ad-hoc code signing of a thin 64-bit Mach-O executable, what `codesign --sign -` does: macOS on
 * Apple silicon refuses to run an executable without a valid signature, and injecting the SEA blob
 * drops the signature the node binary had. An ad-hoc signature is a CodeDirectory of SHA-256 page
 * hashes with no certificate, so it needs no Apple tools or identity. Layout as in Apple's
 * cs_blobs.h (xnu) and the Go linker's cmd/internal/codesign; all signature fields are big-endian.
 */
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 0x2;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const HEADER_SIZE = 32;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CD_VERSION = 0x20400;
const CD_HEADER_SIZE = 88;
const HASH_SIZE = 32;
const CS_HASHTYPE_SHA256 = 2;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;
/** Segments are laid out in 16 KiB pages on arm64 (4 KiB on x86_64, which 16 KiB is a multiple of). */
const SEGMENT_ALIGN = 0x4000;

interface Segment {
  /** Where its load command starts in the file. */
  command: number;
  fileoff: number;
  filesize: number;
  firstSectionOffset: number;
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

function readSegments(file: Buffer): { segments: Map<string, Segment>; signature?: number; end: number } {
  const segments = new Map<string, Segment>();
  let signature: number | undefined;
  let at = HEADER_SIZE;
  for (let i = 0; i < file.readUInt32LE(16); i += 1) {
    const cmd = file.readUInt32LE(at);
    if (cmd === LC_SEGMENT_64) {
      const name = file.toString('latin1', at + 8, at + 24).replace(/\0+$/, '');
      const nsects = file.readUInt32LE(at + 64);
      let firstSectionOffset = Infinity;
      for (let s = 0; s < nsects; s += 1) {
        const offset = file.readUInt32LE(at + 72 + s * 80 + 48);
        if (offset > 0) firstSectionOffset = Math.min(firstSectionOffset, offset);
      }
      segments.set(name, {
        command: at,
        fileoff: Number(file.readBigUInt64LE(at + 40)),
        filesize: Number(file.readBigUInt64LE(at + 48)),
        firstSectionOffset,
      });
    }
    if (cmd === LC_CODE_SIGNATURE) signature = at;
    at += file.readUInt32LE(at + 4);
  }
  return { segments, signature, end: at };
}

function blob(magic: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

function codeDirectory(code: Buffer, identifier: string, text: Segment, requirements: Buffer): Buffer {
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nSpecialSlots = CSSLOT_REQUIREMENTS;
  const nCodeSlots = Math.ceil(code.length / PAGE);
  const hashOffset = CD_HEADER_SIZE + ident.length + nSpecialSlots * HASH_SIZE;
  const cd = Buffer.alloc(hashOffset + nCodeSlots * HASH_SIZE);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER_SIZE, 20);
  cd.writeUInt32BE(nSpecialSlots, 24);
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(code.length, 32);
  cd.writeUInt8(HASH_SIZE, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(PAGE_SHIFT, 39);
  // spare2, scatterOffset, teamOffset, spare3 and codeLimit64 stay 0.
  cd.writeBigUInt64BE(BigInt(text.fileoff), 64);
  cd.writeBigUInt64BE(BigInt(text.filesize), 72);
  cd.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 80);
  ident.copy(cd, CD_HEADER_SIZE);
  // Special slot -n sits n hashes before slot 0: -2 the requirements, -1 (Info.plist) left empty.
  sha256(requirements).copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let page = 0; page < nCodeSlots; page += 1) {
    sha256(code.subarray(page * PAGE, Math.min((page + 1) * PAGE, code.length))).copy(
      cd,
      hashOffset + page * HASH_SIZE,
    );
  }
  return blob(CSMAGIC_CODEDIRECTORY, cd.subarray(8));
}

function superBlob(entries: [type: number, blob: Buffer][]): Buffer {
  const head = Buffer.alloc(12 + entries.length * 8);
  head.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  head.writeUInt32BE(entries.length, 8);
  let offset = head.length;
  entries.forEach(([type, data], i) => {
    head.writeUInt32BE(type, 12 + i * 8);
    head.writeUInt32BE(offset, 16 + i * 8);
    offset += data.length;
  });
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries.map(([, data]) => data)]);
}

/** The executable signed ad hoc, replacing any signature it had; `identifier` names it in the signature. */
export function adHocSign(input: Buffer, identifier: string): Buffer {
  if (input.readUInt32LE(0) !== MH_MAGIC_64 || input.readUInt32LE(12) !== MH_EXECUTE) {
    throw new Error('not a thin 64-bit Mach-O executable');
  }
  const { segments, signature, end } = readSegments(input);
  const text = segments.get('__TEXT');
  const linkedit = segments.get('__LINKEDIT');
  if (!text || !linkedit) throw new Error('no __TEXT or __LINKEDIT segment');
  const dataoff =
    signature === undefined ? align(linkedit.fileoff + linkedit.filesize, 16) : input.readUInt32LE(signature + 8);
  const file = Buffer.alloc(dataoff);
  input.copy(file, 0, 0, Math.min(dataoff, input.length));

  let command = signature;
  if (command === undefined) {
    // A new load command goes into the padding between the load commands and the first section.
    if (end + 16 > text.firstSectionOffset) throw new Error('no room for a code signature load command');
    command = end;
    file.writeUInt32LE(file.readUInt32LE(16) + 1, 16);
    file.writeUInt32LE(file.readUInt32LE(20) + 16, 20);
    file.writeUInt32LE(LC_CODE_SIGNATURE, command);
    file.writeUInt32LE(16, command + 4);
  }
  const requirements = blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4));
  // The sizes the signature will have are known before it is made: hashes are a fixed size per page.
  const nCodeSlots = Math.ceil(dataoff / PAGE);
  const cdSize = CD_HEADER_SIZE + identifier.length + 1 + (CSSLOT_REQUIREMENTS + nCodeSlots) * HASH_SIZE;
  const sigSize = align(12 + 3 * 8 + cdSize + requirements.length + 8, 16);
  file.writeUInt32LE(dataoff, command + 8);
  file.writeUInt32LE(sigSize, command + 12);
  const linkeditSize = dataoff + sigSize - linkedit.fileoff;
  file.writeBigUInt64LE(BigInt(linkeditSize), linkedit.command + 48);
  file.writeBigUInt64LE(BigInt(align(linkeditSize, SEGMENT_ALIGN)), linkedit.command + 32);

  // The hashes cover everything before the signature, the updated load commands included.
  const signed = superBlob([
    [CSSLOT_CODEDIRECTORY, codeDirectory(file, identifier, text, requirements)],
    [CSSLOT_REQUIREMENTS, requirements],
    [CSSLOT_SIGNATURESLOT, blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0))],
  ]);
  const out = Buffer.alloc(dataoff + sigSize);
  file.copy(out);
  signed.copy(out, dataoff);
  return out;
}
