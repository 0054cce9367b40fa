// xml2js ships no types and @types/xml2js is not a dependency; bench/junit uses only this.
declare module 'xml2js' {
  export function parseStringPromise(text: string): Promise<unknown>;
}
