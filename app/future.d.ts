// With single fetch, loaders return plain objects; this tells the types so.
declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}
export {}
