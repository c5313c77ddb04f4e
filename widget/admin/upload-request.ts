/** What came back from an upload: the status and the body text. */
export interface UploadResponse {
  readonly status: number;
  readonly text: string;
}

/** A file upload: where to, with which headers, and who hears of its progress. */
export interface UploadOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Blob;
  /** Called as bytes leave the browser, with the fraction sent (0 to 1). */
  onProgress?(fraction: number): void;
}

/**
 * POSTs a file with XMLHttpRequest, the one browser API that reports upload progress; the
 * browser reads the file from disk as it sends it, so its size does not matter. Resolves with
 * any answer of the server; rejects only when the server cannot be reached.
 *
 * @example
 * const { status, text } = await uploadWithProgress({ url, headers, body: file, onProgress: (f) => (bar.value = f) });
 */
export function uploadWithProgress(options: UploadOptions): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', options.url);
    for (const [name, value] of Object.entries(options.headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    });
    request.addEventListener('load', () => resolve({ status: request.status, text: request.responseText }));
    request.addEventListener('error', () => reject(new Error('network')));
    request.addEventListener('abort', () => reject(new Error('network')));
    request.send(options.body);
  });
}
