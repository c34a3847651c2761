"""The last module the PDF's fork server imports (`parts.PRELOAD`): what the server imported before
it (WeasyPrint, pikepdf, the layout's modules: some 150,000 objects that live as long as any
process) is moved out of the garbage collector's reach (`gc.freeze()`). Each layout worker and
the join, forked from the server, then never scans those objects again in a full collection,
nor writes to their pages (a collection marks each object it scans, which copies the page the
fork shared). Python's documentation gives this use of `gc.freeze()`: a server that forks."""
import gc

gc.freeze()
