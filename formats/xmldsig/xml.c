/*
 * formats/xmldsig/xml.c - libxml2 and xmlsec held down for hostile input:
 * one-time initialisation, the hardened parser, serialisation, and the
 * I/O callbacks through which xmlsec reads package parts (and nothing
 * else: no file, no network).
 *
 *   Reference URI ─► xmlsec InputURI transform ─► io_open() ─► current
 *   thread's struct tamga__xml_package ─► read(payload, "word/x.xml")
 *
 * xmlsec classifies "content.xml" and "/word/document.xml?ContentType=…"
 * as Remote URIs (only "file://" is Local), so references are enabled for
 * SameDocument and Remote and the callbacks decide: a URI with a scheme,
 * "..", "//" or a backslash never reaches the package.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/parser.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmlsec.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/internal.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_failed;
static _Thread_local const struct tamga__xml_package *current_pkg;

/* ------------------------------------------------------------ errors */

/* Library code never prints: libxml2 and xmlsec errors are swallowed (the
 * calls that fail are reported through their return values). */
static void quiet_xml(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static void quiet_xmlsec(const char *file, int line, const char *func, const char *obj, const char *subj,
                         int reason, const char *msg)
{
	(void)file, (void)line, (void)func, (void)obj, (void)subj, (void)reason, (void)msg;
}

static void silence_thread(void)
{
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

/* ------------------------------------------------------------ package URIs */

static int pct_decode(char **out, const char *s, size_t n)
{
	char *d;
	size_t i, j = 0;

	if ((d = malloc(n + 1)) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			if (i + 2 >= n) {
				free(d);
				return tamga__error_set(TAMGA_EFORMAT, "bad percent escape in URI");
			}
			h = tamga__hexval((unsigned char)s[i + 1]);
			l = tamga__hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0)) {
				free(d);
				return tamga__error_set(TAMGA_EFORMAT, "bad percent escape in URI");
			}
			d[j++] = (char)(h * 16 + l);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

int tamga__xml_package_path(const char *uri, char **path, char **content_type)
{
	const char *q, *p, *seg;
	char *d = NULL, *ct = NULL;
	size_t n;
	int error = 0;

	*path = NULL;
	if (content_type)
		*content_type = NULL;
	if (uri == NULL || *uri == '\0')
		return tamga__error_set(TAMGA_EFORMAT, "empty package URI");
	/* a scheme: letters, digits, + - . then ':' before any '/', '?' */
	for (p = uri; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return tamga__error_set(TAMGA_EFORMAT, "URI \"%.80s\" names a scheme: only package parts "
			                        "are read", uri);
	if (strchr(uri, '#') != NULL)
		return tamga__error_set(TAMGA_EFORMAT, "package URI \"%.80s\" has a fragment", uri);
	q = strchr(uri, '?');
	n = q ? (size_t)(q - uri) : strlen(uri);
	if ((error = pct_decode(&d, uri, n)) < 0)
		goto done;
	if (q != NULL) {
		const char *v = q + 1;

		if (strncmp(v, "ContentType=", 12) != 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "package URI \"%.80s\": unknown query", uri);
			goto done;
		}
		if (content_type != NULL && (error = pct_decode(&ct, v + 12, strlen(v + 12))) < 0)
			goto done;
	}
	p = d[0] == '/' ? d + 1 : d;
	if (*p == '\0' || *p == '/' || strchr(p, '\\') != NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "package URI \"%.80s\" does not name a part", uri);
		goto done;
	}
	for (seg = p; *seg; seg++)
		if ((unsigned char)*seg < 0x20 || *seg == 0x7f) {
			error = tamga__error_set(TAMGA_EFORMAT, "package URI \"%.80s\" has a control character", uri);
			goto done;
		}
	for (seg = p; seg != NULL; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		size_t len = strcspn(seg, "/");

		if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.')) {
			error = tamga__error_set(TAMGA_EFORMAT, "package URI \"%.80s\" has an empty, \".\" or "
			                         "\"..\" segment", uri);
			goto done;
		}
	}
	if (p != d)
		memmove(d, p, strlen(p) + 1);
	*path = d;
	d = NULL;
	if (content_type != NULL) {
		*content_type = ct;
		ct = NULL;
	}
done:
	free(d);
	free(ct);
	return error;
}

void tamga__xml_set_package(const struct tamga__xml_package *pkg)
{
	current_pkg = pkg;
}

/* ------------------------------------------------------------ xmlsec I/O */

struct part_reader {
	const unsigned char *data;
	size_t len, pos;
};

static int io_match(const char *uri)
{
	(void)uri;
	return 1; /* every URI comes here; io_open refuses what is not a part */
}

static void *io_open(const char *uri)
{
	const struct tamga__xml_package *pkg = current_pkg;
	struct part_reader *r = NULL;
	char *path = NULL;

	if (pkg == NULL || pkg->read == NULL || tamga__xml_package_path(uri, &path, NULL) < 0)
		goto done;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto done;
	if (pkg->read(pkg->payload, path, &r->data, &r->len) < 0) {
		free(r);
		r = NULL;
	}
done:
	free(path);
	return r;
}

static int io_read(void *ctx, char *buf, int len)
{
	struct part_reader *r = ctx;
	size_t n;

	if (r == NULL || len < 0)
		return -1;
	n = r->len - r->pos;
	if (n > (size_t)len)
		n = (size_t)len;
	if (n)
		memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	return (int)n;
}

static int io_close(void *ctx)
{
	free(ctx);
	return 0;
}

/* libxml2's own input callbacks are replaced by one that opens nothing: no
 * external entity, DTD or XInclude can reach a file or the network. */
static int refuse_match(const char *uri)
{
	(void)uri;
	return 1;
}

static void *refuse_open(const char *uri)
{
	(void)uri;
	return NULL;
}

static void do_init(void)
{
	xmlInitParser();
	xmlThrDefSetGenericErrorFunc(NULL, quiet_xml);
	xmlThrDefSetStructuredErrorFunc(NULL, quiet_structured);
	silence_thread();
	if (xmlSecInit() < 0 || xmlSecCheckVersionExt(1, 2, 37, xmlSecCheckVersionABICompatible) != 1 ||
	    xmlSecOpenSSLInit() < 0) {
		init_failed = 1;
		return;
	}
	xmlSecErrorsSetCallback(quiet_xmlsec);
	/* xmlsec parses package parts for C14N with these: never NOENT */
	xmlSecParserSetDefaultOptions(XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSecIOCleanupCallbacks();
	if (xmlSecIORegisterCallbacks(io_match, io_open, io_read, io_close) < 0) {
		init_failed = 1;
		return;
	}
	xmlCleanupInputCallbacks();
	if (xmlRegisterInputCallbacks(refuse_match, refuse_open, io_read, io_close) < 0)
		init_failed = 1;
}

int tamga__xml_init(void)
{
	if (pthread_once(&init_once, do_init) != 0 || init_failed)
		return tamga__error_set(TAMGA_ECRYPTO, "xmlsec (OpenSSL back end) could not be initialised");
	silence_thread();
	return 0;
}

/* ------------------------------------------------------------ parsing */

struct parse_state {
	int doctype;
};

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	(void)name, (void)ext, (void)sys;
	if (st != NULL)
		st->doctype = 1;
	xmlStopParser(ctxt);
}

static int check_tree(xmlNodePtr root, const char *what)
{
	xmlNodePtr n = root;
	size_t count = 0;
	int depth = 0;

	while (n != NULL) {
		if (++count > TAMGA__XML_MAX_NODES)
			return tamga__error_set(TAMGA_ELIMIT, "%s: more than %d XML nodes", what, TAMGA__XML_MAX_NODES);
		if (n->type == XML_ELEMENT_NODE) {
			xmlAttrPtr a;

			for (a = n->properties; a != NULL; a = a->next)
				if (++count > TAMGA__XML_MAX_NODES)
					return tamga__error_set(TAMGA_ELIMIT, "%s: more than %d XML nodes", what,
					                        TAMGA__XML_MAX_NODES);
		}
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL || n->type == XML_DTD_NODE ||
		    n->type == XML_XINCLUDE_START)
			return tamga__error_set(TAMGA_EFORMAT, "%s: entity references and DTDs are refused", what);
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			if (++depth > TAMGA__XML_MAX_DEPTH)
				return tamga__error_set(TAMGA_ELIMIT, "%s: XML nested deeper than %d elements", what,
				                        TAMGA__XML_MAX_DEPTH);
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL && n != root) {
			n = n->parent;
			if (n != NULL && n->type == XML_ELEMENT_NODE)
				depth--;
			if (n == root)
				return 0;
		}
		if (n == NULL || n == root)
			return 0;
		n = n->next;
	}
	return 0;
}

int tamga__xml_parse(xmlDocPtr *out, const unsigned char *data, size_t len, const char *what)
{
	struct parse_state st = { 0 };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr n;
	int error;

	if (out == NULL || (data == NULL && len != 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga__xml_parse: bad arguments");
	*out = NULL;
	if (what == NULL)
		what = "XML";
	if ((error = tamga__xml_init()) < 0)
		return error;
	if (len > TAMGA__XML_MAX_SIZE || len > INT_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "%s: %zu bytes of XML, more than %zu", what, len,
		                        (size_t)TAMGA__XML_MAX_SIZE);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return tamga__error_oom();
	ctxt->_private = &st;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = on_doctype;
	/* Not XML_PARSE_NOENT (it would expand entities), nor HUGE, nor DTDLOAD. */
	doc = xmlCtxtReadMemory(ctxt, (const char *)data, (int)len, NULL, NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (st.doctype || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL))) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: a DOCTYPE is refused (no DTDs, no entities)", what);
		goto done;
	}
	if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *e = &ctxt->lastError;

		if (e->code == XML_ERR_NO_MEMORY)
			error = tamga__error_oom();
		else if (e->code == XML_ERR_INTERNAL_ERROR && e->message && strstr(e->message, "depth"))
			error = tamga__error_set(TAMGA_ELIMIT, "%s: XML nested too deep (line %d)", what, e->line);
		else
			error = tamga__error_set(TAMGA_EFORMAT, "%s is not well-formed XML: %.*s (line %d)", what,
			                         e->message ? (int)strcspn(e->message, "\n") : 11,
			                         e->message ? e->message : "parse error", e->line);
		goto done;
	}
	if ((n = xmlDocGetRootElement(doc)) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s has no root element", what);
		goto done;
	}
	for (n = doc->children; n != NULL; n = n->next)
		if ((error = check_tree(n, what)) < 0)
			goto done;
	*out = doc;
	doc = NULL;
done:
	xmlFreeDoc(doc);
	if (ctxt != NULL) {
		ctxt->_private = NULL;
		xmlFreeParserCtxt(ctxt);
	}
	return error;
}

int tamga__xml_serialize(tamga_buf *out, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int size = 0, error;

	if (out == NULL || doc == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xml_serialize: bad arguments");
	if ((error = tamga__xml_init()) < 0)
		return error;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem == NULL || size < 0)
		return tamga__error_oom();
	error = tamga__buf_append(out, mem, (size_t)size);
	xmlFree(mem);
	return error;
}

/* ------------------------------------------------------------ helpers */

struct subtree {
	xmlNodePtr apex;
};

/* Visible: the apex, its descendants, and their attributes and namespace
 * nodes (libxml2 passes a namespace node with its element as parent), so
 * the apex carries every namespace in scope, as inclusive C14N wants. */
static int in_subtree(void *payload, xmlNodePtr node, xmlNodePtr parent)
{
	const struct subtree *t = payload;
	xmlNodePtr n = node;

	if (node == NULL)
		return 0;
	if (node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE)
		n = node->type == XML_NAMESPACE_DECL ? parent : node->parent;
	for (; n != NULL; n = n->parent)
		if (n == t->apex)
			return 1;
	return 0;
}

static int buf_write(void *payload, const char *data, int len)
{
	if (len < 0 || tamga__buf_append(payload, data, (size_t)len) < 0)
		return -1;
	return len;
}

int tamga__xml_c14n_node(tamga_buf *out, xmlNodePtr node)
{
	return tamga__xml_c14n_node_alg(out, node, NULL);
}

int tamga__xml_c14n_node_alg(tamga_buf *out, xmlNodePtr node, const char *alg)
{
	struct subtree t = { node };
	xmlOutputBufferPtr ob;
	size_t before = out->size;
	int mode = XML_C14N_1_0, comments = 0, r;

	if (alg != NULL) {
		mode = strncmp(alg, ALG_EXC_C14N, strlen(ALG_EXC_C14N)) == 0 ? XML_C14N_EXCLUSIVE_1_0
		       : strncmp(alg, ALG_C14N11, strlen(ALG_C14N11)) == 0   ? XML_C14N_1_1
		                                                              : XML_C14N_1_0;
		comments = strstr(alg, "#WithComments") != NULL;
	}
	if ((ob = xmlOutputBufferCreateIO(buf_write, NULL, out, NULL)) == NULL)
		return tamga__error_oom();
	r = xmlC14NExecute(node->doc, in_subtree, &t, mode, NULL, comments, ob);
	if (xmlOutputBufferClose(ob) < 0 || r < 0) {
		out->size = before;
		return tamga__error_set(TAMGA_EFORMAT, "canonicalisation failed");
	}
	return 0;
}

char *tamga__xml_base64(const unsigned char *data, size_t len)
{
	char *s;
	size_t n = 4 * ((len + 2) / 3) + 1;

	if (len > INT_MAX / 2 || (s = malloc(n)) == NULL) {
		tamga__error_oom();
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	return s;
}

int tamga__xml_unbase64(tamga_buf *out, const char *text)
{
	tamga_buf clean = TAMGA_BUF_INIT;
	EVP_ENCODE_CTX *ctx = NULL;
	unsigned char *dec = NULL;
	int n1 = 0, n2 = 0, error = 0;
	const char *p;

	for (p = text; *p; p++)
		if (!(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') &&
		    (error = tamga__buf_append(&clean, p, 1)) < 0)
			goto done;
	if (clean.size == 0 || clean.size % 4 != 0 || clean.size > INT_MAX) {
		error = tamga__error_set(TAMGA_EFORMAT, "bad base64 text");
		goto done;
	}
	if ((dec = malloc(clean.size)) == NULL || (ctx = EVP_ENCODE_CTX_new()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, dec, &n1, clean.ptr, (int)clean.size) < 0 || EVP_DecodeFinal(ctx, dec + n1, &n2) < 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "bad base64 text");
		goto done;
	}
	error = tamga__buf_append(out, dec, (size_t)(n1 + n2));
done:
	EVP_ENCODE_CTX_free(ctx);
	free(dec);
	tamga_buf_dispose(&clean);
	return error;
}

xmlNodePtr tamga__xml_first_elem(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node ? node->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr tamga__xml_next_elem(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node ? node->next : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

int tamga__xml_is(xmlNodePtr node, const char *ns, const char *name)
{
	if (node == NULL || node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, name) != 0)
		return 0;
	if (ns == NULL)
		return node->ns == NULL;
	return node->ns != NULL && node->ns->href != NULL && strcmp((const char *)node->ns->href, ns) == 0;
}

/* ------------------------------------------------------------ xmlsec contexts */

static const struct {
	const char *uri, *name;
	const EVP_MD *(*md)(void);
} mds[] = {
	{ "http://www.w3.org/2001/04/xmlenc#sha256", "sha256", EVP_sha256 },
	{ "http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384", EVP_sha384 },
	{ "http://www.w3.org/2001/04/xmlenc#sha512", "sha512", EVP_sha512 },
	{ "http://www.w3.org/2000/09/xmldsig#sha1", "sha1", EVP_sha1 },
};

const EVP_MD *tamga__xml_md_by_uri(const char *uri, const char **name)
{
	size_t i;

	for (i = 0; uri != NULL && i < sizeof(mds) / sizeof(mds[0]); i++)
		if (strcmp(uri, mds[i].uri) == 0) {
			if (name)
				*name = mds[i].name;
			return mds[i].md();
		}
	return NULL;
}

static int enable(xmlSecPtrListPtr list, const xmlSecTransformId *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (xmlSecPtrListAdd(list, (void *)ids[i]) < 0)
			return -1;
	return 0;
}

xmlSecDSigCtxPtr tamga__xml_dsig_ctx(EVP_PKEY *key, int sign)
{
	/* Reference transforms (and DigestMethods, which xmlsec reads
	 * through the same list): the header's list, nothing else. */
	const xmlSecTransformId ref_ids[] = {
		xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId, xmlSecTransformExclC14NId,
		xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14N11Id, xmlSecTransformInclC14N11WithCommentsId,
		xmlSecTransformEnvelopedId, xmlSecTransformRelationshipId,
		xmlSecOpenSSLTransformSha1Id, xmlSecOpenSSLTransformSha256Id, xmlSecOpenSSLTransformSha384Id,
		xmlSecOpenSSLTransformSha512Id,
	};
	/* CanonicalizationMethod and SignatureMethod of SignedInfo. */
	const xmlSecTransformId sig_ids[] = {
		xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId, xmlSecTransformExclC14NId,
		xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14N11Id, xmlSecTransformInclC14N11WithCommentsId,
		xmlSecOpenSSLTransformRsaSha1Id, xmlSecOpenSSLTransformRsaSha256Id, xmlSecOpenSSLTransformRsaSha384Id,
		xmlSecOpenSSLTransformRsaSha512Id, xmlSecOpenSSLTransformEcdsaSha1Id,
		xmlSecOpenSSLTransformEcdsaSha256Id, xmlSecOpenSSLTransformEcdsaSha384Id,
		xmlSecOpenSSLTransformEcdsaSha512Id,
	};
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyDataPtr data = NULL;
	xmlSecKeyPtr k = NULL;

	if ((ctx = xmlSecDSigCtxCreate(NULL)) == NULL)
		goto fail;
	ctx->flags = XMLSEC_DSIG_FLAGS_STORE_MANIFEST_REFERENCES | XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
	ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument | xmlSecTransformUriTypeRemote;
	ctx->transformCtx.enabledUris = xmlSecTransformUriTypeNone;
	if ((ctx->enabledReferenceTransforms = xmlSecPtrListCreate(xmlSecTransformIdListId)) == NULL ||
	    enable(ctx->enabledReferenceTransforms, ref_ids, sizeof(ref_ids) / sizeof(ref_ids[0])) < 0 ||
	    enable(&ctx->transformCtx.enabledTransforms, sig_ids, sizeof(sig_ids) / sizeof(sig_ids[0])) < 0)
		goto fail;
	/* KeyInfo is never read for a key: enable one key data kind that
	 * these signatures never carry, so an empty list does not mean "all". */
	if (xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, (void *)xmlSecKeyDataNameId) < 0)
		goto fail;
	ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
	if (!EVP_PKEY_up_ref(key))
		goto fail;
	if ((data = xmlSecOpenSSLEvpKeyAdopt(key)) == NULL) {
		EVP_PKEY_free(key);
		goto fail;
	}
	if ((k = xmlSecKeyCreate()) == NULL || xmlSecKeySetValue(k, data) < 0)
		goto fail;
	data = NULL;
	ctx->signKey = k;
	(void)sign;
	return ctx;
fail:
	if (data != NULL)
		xmlSecKeyDataDestroy(data);
	if (k != NULL && ctx != NULL && ctx->signKey != k)
		xmlSecKeyDestroy(k);
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	tamga__error_set(TAMGA_ECRYPTO, "cannot set up an xmlsec signature context");
	return NULL;
}

int tamga__xml_register_ids(xmlDocPtr doc)
{
	xmlNodePtr n = xmlDocGetRootElement(doc);
	int error = 0;

	while (n != NULL && error == 0) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlAttrPtr a;

			for (a = n->properties; a != NULL && error == 0; a = a->next) {
				xmlChar *v;
				xmlAttrPtr had;

				if (a->ns != NULL || strcmp((const char *)a->name, "Id") != 0)
					continue;
				if ((v = xmlNodeListGetString(doc, a->children, 1)) == NULL)
					continue;
				had = xmlGetID(doc, v);
				if (had != NULL && had != a)
					error = tamga__error_set(TAMGA_EFORMAT, "Id \"%.80s\" is used twice in the document "
					                         "(signature wrapping?)", (const char *)v);
				else if (had == NULL && xmlAddID(NULL, doc, v, a) == NULL)
					error = tamga__error_set(TAMGA_EFORMAT, "Id \"%.80s\" cannot be registered",
					                         (const char *)v);
				xmlFree(v);
			}
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		while (n != NULL && n->next == NULL)
			n = (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE) ? n->parent : NULL;
		if (n != NULL)
			n = n->next;
	}
	return error;
}

int tamga__xml_part_parse(xmlDocPtr *out, const struct tamga__xml_package *pkg, const char *path)
{
	const unsigned char *data = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if (pkg == NULL || pkg->read == NULL)
		return tamga__error_set(TAMGA_ENOTFOUND, "no package to read \"%s\" from", path);
	if ((error = pkg->read(pkg->payload, path, &data, &len)) < 0)
		return error == TAMGA_ENOTFOUND ? tamga__error_set(error, "the package has no part \"%s\"", path) : error;
	return tamga__xml_parse(out, data, len, path);
}
