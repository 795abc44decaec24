/** The kind of the server's fix-all code action; the client asks for it before a save when `avdsec.fixOnSave` is on. */
export const FIX_ALL_KIND = 'source.fixAll.avdsec';
