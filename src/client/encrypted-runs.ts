// Reading a run whose payloads are encrypted, without the key: the payload converter meets an encoding it has no codec
// for and says "Unknown encoding: binary/encrypted". Readers turn that into RunEncryptedError.
import { ValueError } from '@temporalio/common';

const ENCRYPTED_ENCODING = 'binary/encrypted';

export function isUndecodableEncrypted(err: unknown): boolean {
  return err instanceof ValueError && err.message.includes(ENCRYPTED_ENCODING);
}
