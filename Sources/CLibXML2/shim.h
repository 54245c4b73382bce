#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so libxml/encoding.h pulls in <unicode/ucnv.h>.
   Foundation on Linux ships its own ICU headers (_FoundationICU) and clang rejects the two
   UErrorCode definitions. Only xmlCharEncodingHandler's tail depends on this macro, and Swift
   code never touches that struct's fields (../shared/STYLE.md, part 2 §1). */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <zlib.h>

/* xmlFree is a mutable global function pointer; Swift 6 rejects touching it. */
static inline void clx_free(void *p) { xmlFree(p); }

/* inflateInit2 is a macro; 15 + 32 = any window size, gzip or zlib header detected automatically. */
static inline int clx_inflate_init(z_stream *stream) { return inflateInit2(stream, 15 + 32); }

/* XML_SAX2_MAGIC does not import (it does not fit the field's declared type in Swift's eyes). */
static inline unsigned int clx_sax2_magic(void) { return XML_SAX2_MAGIC; }

#endif
