/**
 * A credential-free URL for people, naming a file on a remote server.
 *
 * @example
 * remoteLocation('sftp', '::1', 22, '/out', 'a.csv') // 'sftp://[::1]:22/out/a.csv'
 */
export function remoteLocation(scheme: string, host: string, port: number, directory: string, fileName: string): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const dir = directory.endsWith('/') ? directory : `${directory}/`;
  const absolute = dir.startsWith('/') ? dir : `/${dir}`;
  return `${scheme}://${hostPart}:${port}${absolute}${fileName}`;
}
