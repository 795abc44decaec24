/** The part of the WebAssembly JS API the host uses (the project's `lib` is ES2022 without DOM, which declares it). */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
  }
}
