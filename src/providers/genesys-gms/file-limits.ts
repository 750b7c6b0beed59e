// GMS file limits (docs/protocols/genesys-gms.md §6): `file/limits` answers with one Notice whose
// userData holds the limits, values often as strings. Read into our FileLimits, and checked before an
// upload so a file GMS would refuse is refused here, typed, without sending its bytes.
import type { FileLimits } from '../../shared/session-types';
import type { GmsReply } from './wire-schemas';

const numberOf = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const booleanOf = (v: unknown): boolean | null =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : null;

export function parseFileLimits(reply: GmsReply): FileLimits {
  const data = (reply.messages?.[0]?.userData ?? {}) as Record<string, unknown>;
  const types = data['upload-file-types'];
  return {
    maxFileSize: numberOf(data['upload-max-file-size']),
    maxTotalSize: numberOf(data['upload-max-total-size']),
    maxFiles: numberOf(data['upload-max-files']),
    usedFiles: numberOf(data['used-upload-max-files']),
    usedTotalSize: numberOf(data['used-upload-max-total-size']),
    fileTypes:
      typeof types === 'string' && types.trim() !== ''
        ? types
            .split(':')
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean)
        : null,
    needAgent: booleanOf(data['upload-need-agent']),
    downloadAttempts: numberOf(data['download-attempts']),
    usedDownloadAttempts: numberOf(data['used-download-attempts']),
    deleteAllowed: booleanOf(data['delete-file']),
  };
}

/** Why GMS would refuse this upload (the reason first, as the Widgets name it), or null. */
export function uploadProblem(limits: FileLimits, file: { fileName: string; size: number }): string | null {
  const extension = file.fileName.includes('.') ? file.fileName.split('.').pop()!.toLowerCase() : '';
  if (limits.fileTypes && !limits.fileTypes.includes(extension)) {
    return `FileTypeNotAllowed: .${extension || '(none)'} is not one of ${limits.fileTypes.join(', ')}`;
  }
  if (limits.maxFileSize !== null && file.size > limits.maxFileSize) {
    return `FileTooLarge: ${file.size} bytes, the limit is ${limits.maxFileSize}`;
  }
  if (limits.maxFiles !== null && (limits.usedFiles ?? 0) >= limits.maxFiles) {
    return `FileCountExceeded: ${limits.maxFiles} files already uploaded`;
  }
  if (limits.maxTotalSize !== null && (limits.usedTotalSize ?? 0) + file.size > limits.maxTotalSize) {
    return `TotalSizeExceeded: ${limits.usedTotalSize ?? 0} + ${file.size} bytes passes ${limits.maxTotalSize}`;
  }
  return null;
}
