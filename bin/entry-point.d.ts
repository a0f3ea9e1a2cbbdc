/** See entry-point.js: the bundle's URL in the installed package or while it is current, the TypeScript entry point's otherwise. */
export function entryPoint(root: URL): string
