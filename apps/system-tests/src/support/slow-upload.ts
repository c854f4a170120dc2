import { request } from 'node:http';

/**
 * A request whose body arrives in two parts: the server has it in flight (headers read, body pending) for as
 * long as the caller waits before `finish()`. The way to be sure a request is inside a server when a
 * signal lands, whatever the machine's speed.
 */
export function slowUpload(url: string, contentType: string, body: Buffer): { finish(): void; status: Promise<number | string> } {
  const half = Math.max(1, Math.floor(body.length / 2));
  let finish = () => undefined as void;
  const status = new Promise<number | string>((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: Error & { code?: string }) => resolve(`error: ${error.code ?? error.message}`));
    req.write(body.subarray(0, half));
    finish = () => void req.end(body.subarray(half));
  });
  return { finish: () => finish(), status };
}
