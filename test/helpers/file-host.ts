// A channel's file store on loopback: serves files for uploads by reference (GET) and keeps what the
// bridge PUTs for downloads, as a pre-signed object-store URL would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FileHost {
  private constructor(
    private readonly server: Server,
    private readonly files: Map<string, { bytes: Buffer; type: string }>,
    readonly received: Map<string, Buffer>,
  ) {}

  static async start(): Promise<FileHost> {
    const files = new Map<string, { bytes: Buffer; type: string }>();
    const received = new Map<string, Buffer>();
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (req.method === 'GET') {
        const file = files.get(path);
        if (!file) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'content-type': file.type }).end(file.bytes);
      }
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.set(path, Buffer.concat(chunks));
          res.writeHead(201).end();
        });
        return;
      }
      res.writeHead(405).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FileHost(server, files, received);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serve(path: string, bytes: Buffer, type: string): void {
    this.files.set(path, { bytes, type });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
