// File transfer as the strict GMS simulator keeps it (docs/protocols/genesys-gms.md §6): the limits
// `file/limits` reports (as strings, as GMS does), and an upload, download or delete checked against them.
// GMS documents no error codes for file refusals: these are guesses [G], kept in one place.
import { randomBytes } from 'node:crypto';
import type { GmsMessage } from '../../providers/genesys-gms/wire-schemas';

export interface GmsSimFileLimits {
  maxFileSize: number;
  maxTotalSize: number;
  maxFiles: number;
  /** Colon-separated extensions, as GMS sends them. */
  fileTypes: string;
  needAgent: boolean;
  downloadAttempts: number;
  deleteAllowed: boolean;
}

export const defaultFileLimits: GmsSimFileLimits = {
  maxFileSize: 10 * 1024 * 1024,
  maxTotalSize: 95 * 1024 * 1024,
  maxFiles: 10,
  fileTypes: 'jpeg:jpg:pdf:png:txt:zip',
  needAgent: true,
  downloadAttempts: 3,
  deleteAllowed: true,
};

/** [G] Codes for file refusals: GMS documents none. */
export const fileRefusalCode = {
  typeNotAllowed: 1101,
  tooLarge: 1102,
  countExceeded: 1103,
  totalSizeExceeded: 1104,
  needsAgent: 1105,
  downloadAttemptsExceeded: 1106,
  deleteNotAllowed: 1107,
  noSuchFile: 1108,
} as const;

export interface SimFile {
  id: string;
  name: string;
  type: string;
  bytes: Buffer;
  by: 'client' | 'agent';
  downloads: number;
}

export class SimFiles {
  readonly files = new Map<string, SimFile>();
  private uploadedCount = 0;
  private uploadedBytes = 0;

  constructor(private readonly limits: GmsSimFileLimits) {}

  /** The Notice `file/limits` answers with, its values strings. */
  limitsNotice(index: number, now: number): GmsMessage {
    const l = this.limits;
    return {
      index,
      type: 'Notice',
      text: 'file-client-cfg-get',
      utcTime: now,
      userData: {
        'upload-max-file-size': String(l.maxFileSize),
        'upload-max-total-size': String(l.maxTotalSize),
        'upload-max-files': String(l.maxFiles),
        'used-upload-max-files': String(this.uploadedCount),
        'used-upload-max-total-size': String(this.uploadedBytes),
        'upload-file-types': l.fileTypes,
        'upload-need-agent': String(l.needAgent),
        'download-attempts': String(l.downloadAttempts),
        'delete-file': String(l.deleteAllowed),
      },
    };
  }

  /** The customer's upload: the refusal code, or the stored file. */
  upload(file: { name: string; type: string; bytes: Buffer }, agentPresent: boolean): number | SimFile {
    const l = this.limits;
    const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
    if (!l.fileTypes.split(':').includes(extension)) return fileRefusalCode.typeNotAllowed;
    if (file.bytes.length > l.maxFileSize) return fileRefusalCode.tooLarge;
    if (this.uploadedCount >= l.maxFiles) return fileRefusalCode.countExceeded;
    if (this.uploadedBytes + file.bytes.length > l.maxTotalSize) return fileRefusalCode.totalSizeExceeded;
    if (l.needAgent && !agentPresent) return fileRefusalCode.needsAgent;
    this.uploadedCount += 1;
    this.uploadedBytes += file.bytes.length;
    return this.store(file, 'client');
  }

  /** A file the agent shares (no limits on the agent's side). */
  store(file: { name: string; type: string; bytes: Buffer }, by: 'client' | 'agent'): SimFile {
    const stored = { ...file, id: randomBytes(6).toString('hex'), by, downloads: 0 };
    this.files.set(stored.id, stored);
    return stored;
  }

  download(id: string): number | SimFile {
    const file = this.files.get(id);
    if (!file) return fileRefusalCode.noSuchFile;
    if (file.downloads >= this.limits.downloadAttempts) return fileRefusalCode.downloadAttemptsExceeded;
    file.downloads += 1;
    return file;
  }

  delete(id: string): number | SimFile {
    if (!this.limits.deleteAllowed) return fileRefusalCode.deleteNotAllowed;
    const file = this.files.get(id);
    if (!file) return fileRefusalCode.noSuchFile;
    this.files.delete(id);
    return file;
  }
}

/** The userData of a FileUploaded or FileDeleted item [G: the keys are not documented]. */
export function fileItemData(file: SimFile): Record<string, string> {
  return {
    'file-id': file.id,
    'file-name': file.name,
    'file-size': String(file.bytes.length),
    'file-type': file.type,
  };
}
