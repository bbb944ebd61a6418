/**
 * PKG-06: persistence.ValidateLabel. Go RE2 `^[[:alnum:]][[:alnum:]_.+-]*$`: ASCII only, and
 * `$` (not multiline) matches only at the very end, so a trailing newline is rejected.
 */
const LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

export function labelError(label: string): string | null {
  if (LABEL_RE.test(label)) return null;
  return `invalid label '${label}'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics`;
}

/** persistence.PackageID: `<label>:<lowercase hex sha256 of the whole package>`. */
export function packageIdOf(label: string, sha256hex: string): string {
  return `${label}:${sha256hex}`;
}

/** persistence.CCFileName: the stored file name (first `:` replaced by `.`, then `.tar.gz`). */
export function storedFileName(packageId: string): string {
  return packageId.replace(':', '.') + '.tar.gz';
}
