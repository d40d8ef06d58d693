// libphonenumber-js with its full metadata takes ~40 ms to load: a server whose book has no phone
// number loads it on the first send's content check, not before its first request. One instance
// for every caller (targets, the content checks, the regions of a book).
import { createRequire } from "node:module";

type PhoneLib = typeof import("libphonenumber-js/max");

let lib: PhoneLib | undefined;

export function phoneNumbers(): PhoneLib {
  return (lib ??= createRequire(import.meta.url)("libphonenumber-js/max") as PhoneLib);
}
