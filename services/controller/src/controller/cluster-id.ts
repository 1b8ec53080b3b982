/**
 * A new cluster id as Kafka makes them (`kafka-storage random-uuid`): 16 random bytes in URL-safe
 * base64 without padding, 22 characters.
 */
export function randomClusterId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
