/*
 * server/pages.c - the citizen-facing HTML of tamgad's verify role
 * (DESIGN.md §1, §4): the status page a QR code leads to, the start page,
 * the result of checking an uploaded file, and error pages.
 *
 * Every page is one self-contained document:
 *
 *     <!doctype html> <html lang=mn|en>
 *       <head> charset, viewport, title, one inline <style> </head>
 *       <body> <header> service name · language switch (?lang=en|mn) </header>
 *              <main> status banner (icon + words, never colour alone)
 *                     details (<dl>) · forms </main>
 *              <footer> </body>
 *
 * The server sends CSP default-src 'none'; style-src 'unsafe-inline', so
 * there is no script, no external font, image or style sheet; the pages
 * work without them on a 360 px phone and print legibly.
 *
 * Untrusted text: titles, agency names, reasons and signer names come from
 * agencies and from uploaded documents, the typed code from whoever sent
 * the request.  All of it goes through put_text(): invalid UTF-8 and
 * control characters become U+FFFD, then sb_html() escapes & < > " '.
 * What a person typed is shown capped (ECHO_MAX characters), so a long
 * query cannot fill the page.  Codes in URLs are percent-encoded outside
 * [0-9A-Za-z-] before the attribute is escaped, although the registry's
 * codes never need it.
 *
 * Translators: every sentence is in the table `text` below, Mongolian and
 * English side by side; nothing else in this file is prose.
 */
#include <string.h>

#include "pages.h"

/* Characters of a person's input echoed back, at most. */
#define ECHO_MAX 64

/* ------------------------------------------------------------ strings */

enum msg {
	M_SERVICE,
	M_SWITCH,          /* the name of the *other* language, in itself */
	M_SKIP,
	M_FOOTER,
	/* start page */
	M_HOME_TITLE,
	M_HOME_INTRO,
	M_HOME_QR_HINT,
	M_BY_CODE,
	M_CODE_LABEL,
	M_CODE_HINT,
	M_LOOK_UP,
	M_BY_FILE,
	M_FILE_INTRO,
	M_FILE_LABEL,
	M_CHECK,
	/* document status */
	M_DOC_TITLE,
	M_VALID,
	M_VALID_TEXT,
	M_REVOKED,
	M_REVOKED_TEXT,
	M_REVOKED_ON,
	M_SUPERSEDED,
	M_SUPERSEDED_TEXT,
	M_SUPERSEDED_ON,
	M_REASON,
	M_NEW_DOCUMENT,
	M_DETAILS,
	M_AGENCY,
	M_DOC_TYPE,
	M_TITLE,
	M_ISSUED,
	M_CODE,
	M_SHA256,
	M_SIGNER,
	M_DOWNLOAD,
	M_COMPARE,
	M_COMPARE_TEXT,
	M_COMPARE_LABEL,
	M_TYPE_REFERENCE,
	M_TYPE_CERTIFICATE,
	M_TYPE_LETTER,
	M_TYPE_DECISION,
	M_TYPE_CONTRACT,
	/* unknown and malformed codes */
	M_UNKNOWN,
	M_UNKNOWN_TEXT,
	M_YOU_TYPED,
	M_YOU_ENTERED,
	M_UNKNOWN_ADVICE,
	M_MALFORMED,
	M_MALFORMED_TEXT,
	M_CODE_FORMAT,
	M_TRY_AGAIN,
	M_CHECK_FILE_INSTEAD,
	/* verification result */
	M_REPORT_TITLE,
	M_PASSED,
	M_PASSED_TEXT,
	M_FAILED,
	M_FAILED_TEXT,
	M_INDETERMINATE,
	M_INDETERMINATE_TEXT,
	M_NO_SIGNATURE,
	M_NO_SIGNATURE_TEXT,
	M_UNREADABLE,
	M_SIGNATURES,
	M_SIGNATURE_N,
	M_SIG_PASSED,
	M_SIG_FAILED,
	M_SIG_INDETERMINATE,
	M_UNKNOWN_SIGNER,
	M_EXPLANATION,
	M_FILE_SHA256,
	M_CODE_IN_FILE,
	M_SEE_STATUS,
	M_REGISTERED,
	M_SAME,
	M_NOT_SAME,
	M_NOT_SAME_ADVICE,
	M_REGISTRY_STATUS,
	M_REG_REVOKED_BANNER,
	M_REG_REVOKED_TEXT,
	M_REG_SUPERSEDED_TEXT,
	M_CHECK_ANOTHER,
	M_REGSTAT_REVOKED,
	M_REGSTAT_SUPERSEDED,
	M_REGSTAT_UNKNOWN,
	M_REGSTAT_UNAVAILABLE,
	/* sub-indications in plain words, in tamga_subindication's order */
	M_SUB_NONE,
	M_SUB_FORMAT_FAILURE,
	M_SUB_HASH_FAILURE,
	M_SUB_SIG_CRYPTO_FAILURE,
	M_SUB_REVOKED,
	M_SUB_NOT_YET_VALID,
	M_SUB_SIG_CONSTRAINTS_FAILURE,
	M_SUB_CHAIN_CONSTRAINTS_FAILURE,
	M_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE,
	M_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
	M_SUB_NO_SIGNING_CERTIFICATE_FOUND,
	M_SUB_NO_CERTIFICATE_CHAIN_FOUND,
	M_SUB_REVOKED_NO_POE,
	M_SUB_REVOKED_CA_NO_POE,
	M_SUB_OUT_OF_BOUNDS_NO_POE,
	M_SUB_TRY_LATER,
	M_SUB_OTHER,
	/* errors */
	M_ERROR_TITLE,
	M_ERR_400,
	M_ERR_400_TEXT,
	M_ERR_404,
	M_ERR_404_TEXT,
	M_ERR_413,
	M_ERR_413_TEXT,
	M_ERR_LIMIT,
	M_ERR_4XX,
	M_ERR_4XX_TEXT,
	M_ERR_500,
	M_ERR_500_TEXT,
	M_ERR_DETAIL,
	M_BACK_HOME,
	M__COUNT
};

static const struct {
	const char *mn, *en;
} text[M__COUNT] = {
	[M_SERVICE] = { "Тамга — баримт бичиг шалгах", "Tamga — document check" },
	[M_SWITCH] = { "English", "Монгол" },
	[M_SKIP] = { "Үндсэн хэсэг рүү шилжих", "Skip to the content" },
	[M_FOOTER] = { "Төрийн байгууллагуудын цахим гарын үсэгтэй баримт бичгийг шалгах үйлчилгээ.",
	               "A service for checking electronically signed documents of government agencies." },

	[M_HOME_TITLE] = { "Баримт бичиг шалгах", "Check a document" },
	[M_HOME_INTRO] = { "Төрийн байгууллагаас олгосон баримт бичиг жинхэнэ эсэхийг эндээс шалгана уу.",
	                   "Check here whether a document issued by a government agency is genuine." },
	[M_HOME_QR_HINT] = { "Баримт дээрх QR кодыг утасныхаа камераар уншуулбал шууд шалгана.",
	                     "Or scan the QR code on the document with your phone's camera." },
	[M_BY_CODE] = { "Кодоор шалгах", "Check by code" },
	[M_CODE_LABEL] = { "Баримтын код", "Document code" },
	[M_CODE_HINT] = { "QR кодын дэргэд хэвлэгдсэн 17 үсэг, тоо. Зураас заавал биш, том жижиг үсэг хамаагүй.",
	                  "The 17 letters and digits printed beside the QR code. Dashes are optional; "
	                  "upper or lower case does not matter." },
	[M_LOOK_UP] = { "Хайх", "Look up" },
	[M_BY_FILE] = { "Файлаар шалгах", "Check a file" },
	[M_FILE_INTRO] = { "Цахим баримтаа (PDF, Word, Excel, ODF) оруулж, гарын үсэг нь хүчинтэй эсэхийг шалгана уу.",
	                   "Upload an electronic document (PDF, Word, Excel, ODF) to check its signatures." },
	[M_FILE_LABEL] = { "Файл сонгох", "Choose a file" },
	[M_CHECK] = { "Шалгах", "Check" },

	[M_DOC_TITLE] = { "Баримт бичгийн төлөв", "Document status" },
	[M_VALID] = { "ХҮЧИНТЭЙ", "VALID" },
	[M_VALID_TEXT] = { "Энэ баримт бичгийг энэхүү үйлчилгээгээр олгосон бөгөөд хүчинтэй байна. "
	                   "Таны гарт байгаа баримт доорх мэдээлэлтэй таарч байгаа эсэхийг нягтална уу.",
	                   "This document was issued through this service and is valid. "
	                   "Check that the document in your hand matches the details below." },
	[M_REVOKED] = { "ХҮЧИНГҮЙ БОЛСОН", "REVOKED" },
	[M_REVOKED_TEXT] = { "Олгосон байгууллага энэ баримт бичгийг хүчингүй болгосон. "
	                     "Үүнийг хүчинтэй баримт болгон ашиглах боломжгүй.",
	                     "The issuing agency has revoked this document. It can no longer be used as a valid document." },
	[M_REVOKED_ON] = { "Хүчингүй болгосон огноо", "Revoked on" },
	[M_SUPERSEDED] = { "ШИНЭЭР СОЛИГДСОН", "SUPERSEDED" },
	[M_SUPERSEDED_TEXT] = { "Энэ баримт бичгийг шинэ баримтаар сольсон. Шинэ баримтыг ашиглана уу.",
	                        "This document has been replaced by a newer one. Please use the new document." },
	[M_SUPERSEDED_ON] = { "Сольсон огноо", "Replaced on" },
	[M_REASON] = { "Шалтгаан", "Reason" },
	[M_NEW_DOCUMENT] = { "Шинэ баримтыг харах", "View the new document" },
	[M_DETAILS] = { "Баримтын мэдээлэл", "Document details" },
	[M_AGENCY] = { "Олгосон байгууллага", "Issuing agency" },
	[M_DOC_TYPE] = { "Баримтын төрөл", "Document type" },
	[M_TITLE] = { "Гарчиг", "Title" },
	[M_ISSUED] = { "Олгосон огноо", "Issue date" },
	[M_CODE] = { "Баримтын код", "Document code" },
	[M_SHA256] = { "SHA-256 хэш", "SHA-256" },
	[M_SIGNER] = { "Гарын үсэг зурсан", "Signed by" },
	[M_DOWNLOAD] = { "Гарын үсэгтэй эх хувийг татах", "Download the signed original" },
	[M_COMPARE] = { "Өөрт байгаа хувийг тулгах", "Compare my copy" },
	[M_COMPARE_TEXT] = { "Танд цахим хувь байгаа бол энд оруулж, бүртгэлтэй эх хувьтай яг ижил эсэхийг шалгаарай.",
	                     "If you have an electronic copy, upload it to check that it is exactly the registered original." },
	[M_COMPARE_LABEL] = { "Өөрийн хувь", "My copy" },
	[M_TYPE_REFERENCE] = { "Лавлагаа", "Reference" },
	[M_TYPE_CERTIFICATE] = { "Гэрчилгээ", "Certificate" },
	[M_TYPE_LETTER] = { "Албан бичиг", "Official letter" },
	[M_TYPE_DECISION] = { "Шийдвэр", "Decision" },
	[M_TYPE_CONTRACT] = { "Гэрээ", "Contract" },

	[M_UNKNOWN] = { "ҮЛ МЭДЭГДЭХ КОД", "UNKNOWN CODE" },
	[M_UNKNOWN_TEXT] = { "Энэ кодтой баримт бичгийг энэхүү үйлчилгээгээр олгоогүй байна.",
	                     "No document with this code was issued through this service." },
	[M_YOU_TYPED] = { "Таны оруулсан код", "The code you entered" },
	[M_YOU_ENTERED] = { "Таны оруулсан", "What you entered" },
	[M_UNKNOWN_ADVICE] = { "Кодоо алдаагүй бичсэн эсэхээ шалгана уу. Код зөв бол баримтыг олгосон байгууллагад "
	                       "хандана уу: баримт хуурамч байж болзошгүй.",
	                       "Check the code for typing mistakes. If it is correct, contact the agency that issued "
	                       "the document: the document may not be genuine." },
	[M_MALFORMED] = { "ЭНЭ НЬ БАРИМТЫН КОД БИШ", "NOT A DOCUMENT CODE" },
	[M_MALFORMED_TEXT] = { "Таны оруулсан зүйл баримт бичгийн код биш байна. Дахин оролдоод үзээрэй.",
	                       "What you entered is not a document code. Please try again." },
	[M_CODE_FORMAT] = { "Баримтын код нь 17 үсэг, тооноос бүрдэх бөгөөд QR кодын дэргэд ингэж хэвлэгддэг:",
	                    "A document code has 17 letters and digits and is printed beside the QR code like this:" },
	[M_TRY_AGAIN] = { "Кодоо дахин оруулах", "Enter the code again" },
	[M_CHECK_FILE_INSTEAD] = { "Эсвэл цахим файлаар шалгах", "Or check an electronic file" },

	[M_REPORT_TITLE] = { "Шалгалтын үр дүн", "Verification result" },
	[M_PASSED] = { "Баталгаажсан", "Verified" },
	[M_PASSED_TEXT] = { "Баримт жинхэнэ бөгөөд гарын үсэг зурсны дараа өөрчлөгдөөгүй байна.",
	                    "The document is authentic and unchanged since it was signed." },
	[M_FAILED] = { "Хүчингүй", "Not valid" },
	[M_FAILED_TEXT] = { "Энэ баримтад итгэж болохгүй.", "Do not rely on this document." },
	[M_INDETERMINATE] = { "Баталгаажуулах боломжгүй", "Cannot be confirmed" },
	[M_INDETERMINATE_TEXT] = { "Энэ баримтыг хүчинтэй гэж батлах хангалттай мэдээлэл алга. Доорх тайлбарыг үзнэ үү.",
	                           "There is not enough information to confirm that this document is valid. "
	                           "See the explanation below." },
	[M_NO_SIGNATURE] = { "Гарын үсэггүй", "Not signed" },
	[M_NO_SIGNATURE_TEXT] = { "Энэ файлд цахим гарын үсэг алга, тиймээс жинхэнэ эсэхийг батлах боломжгүй.",
	                          "This file has no electronic signature, so it cannot be shown to be genuine." },
	[M_UNREADABLE] = { "Файлыг баримт бичиг болгон уншиж чадсангүй: гэмтсэн, эсвэл энэ үйлчилгээ дэмждэггүй "
	                   "төрлийн файл байна.",
	                   "The file could not be read as a document: it is damaged, or of a kind this service "
	                   "does not support." },
	[M_SIGNATURES] = { "Гарын үсэг", "Signatures" },
	[M_SIGNATURE_N] = { "Гарын үсэг №", "Signature no. " },
	[M_SIG_PASSED] = { "Хүчинтэй гарын үсэг", "Valid signature" },
	[M_SIG_FAILED] = { "Хүчингүй гарын үсэг", "Invalid signature" },
	[M_SIG_INDETERMINATE] = { "Баталгаажуулах боломжгүй", "Cannot be confirmed" },
	[M_UNKNOWN_SIGNER] = { "Тодорхойгүй", "Unknown" },
	[M_EXPLANATION] = { "Тайлбар", "Explanation" },
	[M_FILE_SHA256] = { "Файлын SHA-256 хэш", "SHA-256 of the file" },
	[M_CODE_IN_FILE] = { "Баримтын код", "Document code" },
	[M_SEE_STATUS] = { "Бүртгэлийн төлөвийг харах", "See its registry status" },
	[M_REGISTERED] = { "Бүртгэлтэй баримттай тулгасан дүн", "Compared with the registered document" },
	[M_SAME] = { "Таны оруулсан файл бүртгэлтэй эх хувьтай яг ижил байна.",
	             "The file you uploaded is exactly the registered original." },
	[M_NOT_SAME] = { "Таны оруулсан файл бүртгэлтэй эх хувиас ялгаатай байна.",
	                 "The file you uploaded is not the same as the registered original." },
	[M_NOT_SAME_ADVICE] = { "Бүртгэлтэй эх хувийг татаж аваад өөрийн хувьтай харьцуулна уу.",
	                        "Download the registered original and compare it with your copy." },
	[M_REGISTRY_STATUS] = { "Бүртгэлийн төлөв", "Registry status" },
	[M_REG_REVOKED_BANNER] = { "АНХААР: ЭНЭ БАРИМТЫГ ХҮЧИНГҮЙ БОЛГОСОН", "WARNING: THIS DOCUMENT HAS BEEN REVOKED" },
	[M_REG_REVOKED_TEXT] = { "Гарын үсэг хүчинтэй байсан ч олгосон байгууллага энэ баримтыг хүчингүй болгосон тул "
	                         "үүнийг ашиглах боломжгүй.",
	                         "Even if its signature is valid, the issuing agency has revoked this document, "
	                         "so it can no longer be used." },
	[M_REG_SUPERSEDED_TEXT] = { "Олгосон байгууллага энэ баримтыг шинэ баримтаар сольсон.",
	                            "The issuing agency has replaced this document with a newer one." },
	[M_CHECK_ANOTHER] = { "Өөр баримт шалгах", "Check another document" },
	[M_REGSTAT_REVOKED] = { "Олгосон байгууллага энэ баримтыг хүчингүй болгосон.",
	                        "The issuing agency has revoked this document." },
	[M_REGSTAT_SUPERSEDED] = { "Олгосон байгууллага энэ баримтыг шинэ баримтаар сольсон.",
	                           "The issuing agency has replaced this document with a newer one." },
	[M_REGSTAT_UNKNOWN] = { "Баримтын код бүртгэлд олдсонгүй.", "The document's code was not found in the registry." },
	[M_REGSTAT_UNAVAILABLE] = { "Баримтын бүртгэлтэй холбогдож чадсангүй. Дараа дахин оролдоно уу.",
	                            "The document registry could not be reached. Please try again later." },

	[M_SUB_NONE] = { "Гарын үсэг хүчинтэй, баримтыг гарын үсэг зурсны дараа өөрчлөөгүй.",
	                 "The signature is valid and the document has not been changed since it was signed." },
	[M_SUB_FORMAT_FAILURE] = { "Гарын үсэг гэмтсэн эсвэл хуурамч байна.", "The signature is damaged or forged." },
	[M_SUB_HASH_FAILURE] = { "Гарын үсэг зурсны дараа баримтыг өөрчилсөн байна.",
	                         "The document was changed after it was signed." },
	[M_SUB_SIG_CRYPTO_FAILURE] = { "Гарын үсэг баримттай таарахгүй байна: хуурамч эсвэл гэмтсэн.",
	                               "The signature does not match the document: it is forged or damaged." },
	[M_SUB_REVOKED] = { "Гарын үсэг зурагчийн гэрчилгээг хүчингүй болгосон байна.",
	                    "The signer's certificate has been revoked." },
	[M_SUB_NOT_YET_VALID] = { "Гарын үсэг зурах үед гарын үсэг зурагчийн гэрчилгээ хараахан хүчин төгөлдөр "
	                          "болоогүй байсан.",
	                          "The signer's certificate was not yet valid when the document was signed." },
	[M_SUB_SIG_CONSTRAINTS_FAILURE] = { "Гарын үсэг энэ үйлчилгээний шаардлагыг хангахгүй байна.",
	                                    "The signature does not meet this service's requirements." },
	[M_SUB_CHAIN_CONSTRAINTS_FAILURE] = { "Гарын үсэг зурагчийн гэрчилгээ баримтад гарын үсэг зурах шаардлага "
	                                      "хангахгүй байна.",
	                                      "The signer's certificate does not meet the requirements for signing "
	                                      "documents." },
	[M_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE] = { "Гарын үсэг зурагчийн гэрчилгээг шалгаж чадсангүй.",
	                                              "The signer's certificate could not be checked." },
	[M_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE] = { "Гарын үсэгт хуучирсан, найдваргүй алгоритм ашигласан байна.",
	                                              "The signature uses an outdated, insecure algorithm." },
	[M_SUB_NO_SIGNING_CERTIFICATE_FOUND] = { "Гарын үсэг зурагчийн гэрчилгээ олдсонгүй.",
	                                         "The signer's certificate was not found." },
	[M_SUB_NO_CERTIFICATE_CHAIN_FOUND] = { "Гарын үсэг зурагч энэ үйлчилгээний итгэмжлэгдсэн жагсаалтад байхгүй.",
	                                       "The signer is not trusted by this service." },
	[M_SUB_REVOKED_NO_POE] = { "Гарын үсэг зурагчийн гэрчилгээг хүчингүй болгосон бөгөөд баримтад түүнээс өмнө "
	                           "гарын үсэг зурсныг нотлох зүйл алга.",
	                           "The signer's certificate was revoked, and nothing proves that the document was "
	                           "signed before that." },
	[M_SUB_REVOKED_CA_NO_POE] = { "Гарын үсэг зурагчийн гэрчилгээг олгосон байгууллагын гэрчилгээг хүчингүй "
	                              "болгосон байна.",
	                              "The certificate of the authority that issued the signer's certificate has been "
	                              "revoked." },
	[M_SUB_OUT_OF_BOUNDS_NO_POE] = { "Гарын үсэг зурагчийн гэрчилгээний хугацаа дууссан бөгөөд түүнээс өмнө "
	                                 "гарын үсэг зурсныг нотлох зүйл алга.",
	                                 "The signer's certificate has expired, and nothing proves that the document "
	                                 "was signed before it expired." },
	[M_SUB_TRY_LATER] = { "Гарын үсэг зурагчийн гэрчилгээ хүчинтэй эсэхийг одоогоор шалгах боломжгүй байна. "
	                      "Дараа дахин оролдоно уу.",
	                      "Whether the signer's certificate has been revoked cannot be checked right now. "
	                      "Please try again later." },
	[M_SUB_OTHER] = { "Гарын үсгийг баталгаажуулж чадсангүй.", "The signature could not be confirmed." },

	[M_ERROR_TITLE] = { "Алдаа", "Error" },
	[M_ERR_400] = { "Хүсэлт буруу байна", "Bad request" },
	[M_ERR_400_TEXT] = { "Хүсэлтийг ойлгож чадсангүй. Хаяг болон оруулсан мэдээллээ шалгаад дахин оролдоно уу.",
	                     "The request could not be understood. Check the address and what you entered, "
	                     "then try again." },
	[M_ERR_404] = { "Хуудас олдсонгүй", "Page not found" },
	[M_ERR_404_TEXT] = { "Ийм хуудас байхгүй байна. Хаягаа шалгана уу.",
	                     "There is no page at this address. Please check the address." },
	[M_ERR_413] = { "Файл хэт том байна", "The file is too large" },
	[M_ERR_413_TEXT] = { "Таны илгээсэн файл зөвшөөрөгдөх хэмжээнээс том байна.",
	                     "The file you sent is larger than this service accepts." },
	[M_ERR_LIMIT] = { "Дээд хэмжээ", "Limit" },
	[M_ERR_4XX] = { "Хүсэлтийг биелүүлэх боломжгүй", "The request cannot be completed" },
	[M_ERR_4XX_TEXT] = { "Энэ хүсэлтийг биелүүлэх боломжгүй байна.", "This request cannot be completed." },
	[M_ERR_500] = { "Үйлчилгээнд алдаа гарлаа", "Something went wrong" },
	[M_ERR_500_TEXT] = { "Манай талд алдаа гарлаа. Хэсэг хугацааны дараа дахин оролдоно уу.",
	                     "Something went wrong on our side. Please try again in a little while." },
	[M_ERR_DETAIL] = { "Дэлгэрэнгүй", "Details" },
	[M_BACK_HOME] = { "Нүүр хуудас руу буцах", "Back to the start page" },
};

static const char *tr(page_lang lang, enum msg m)
{
	return lang == LANG_EN ? text[m].en : text[m].mn;
}

/* ------------------------------------------------------------ language */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The language of a tag such as "mn", "mn-MN", "EN-us": 0 mn, 1 en, -1 other. */
static int tag_lang(const char *s, size_t n)
{
	size_t primary = 0;

	while (primary < n && s[primary] != '-' && s[primary] != '_')
		primary++;
	for (size_t i = 0; i < n; i++) {
		int c = lower((unsigned char)s[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -1;
	}
	if (primary != 2)
		return -1;
	if (lower((unsigned char)s[0]) == 'm' && lower((unsigned char)s[1]) == 'n')
		return LANG_MN;
	if (lower((unsigned char)s[0]) == 'e' && lower((unsigned char)s[1]) == 'n')
		return LANG_EN;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* An RFC 9110 qvalue ("0", "0.8", "1.000") in thousandths, or -1. */
static int parse_q(const char *s, size_t n)
{
	int q, digits = 0, scale = 100;

	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.')
		return -1;
	for (size_t i = 2; i < n; i++, digits++) {
		if (s[i] < '0' || s[i] > '9' || digits == 3)
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q > 1000 ? -1 : q;
}

page_lang page_lang_pick(const char *query_lang, const char *accept_language)
{
	int best = -1, best_q = 0;
	const char *p;

	if (query_lang) {
		int l = tag_lang(query_lang, strlen(query_lang));

		if (l >= 0)
			return (page_lang)l;
	}
	/* Items "tag;q=0.8" separated by commas; the highest q of mn and en
	 * wins, the earlier one on a tie; q=0 means "not this one". */
	for (p = accept_language; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *semi = memchr(p, ';', len);
		size_t tlen = semi ? (size_t)(semi - p) : len;
		const char *t = p;
		int l, q = 1000;

		while (tlen && is_space(*t))
			t++, tlen--;
		while (tlen && is_space(t[tlen - 1]))
			tlen--;
		l = tag_lang(t, tlen);
		if (l >= 0 && semi) {
			/* parameters: only q is defined */
			const char *a = semi + 1, *e = p + len;

			q = -1;
			while (a < e && is_space(*a))
				a++;
			if (e - a >= 2 && lower((unsigned char)a[0]) == 'q') {
				const char *v = a + 1;

				while (v < e && is_space(*v))
					v++;
				if (v < e && *v == '=')
					q = parse_q(v + 1, (size_t)(e - v - 1));
			}
		}
		if (l >= 0 && q > best_q) {
			best = l;
			best_q = q;
		}
		p = end ? end + 1 : p + len;
	}
	return best == LANG_EN ? LANG_EN : LANG_MN;
}

/* ------------------------------------------------------------ output helpers */

/*
 * Untrusted text, escaped: valid UTF-8 is kept; a byte that does not start
 * a well-formed sequence (overlong, surrogate, > U+10FFFF, truncated) and
 * every control character becomes U+FFFD.  With max > 0, at most max
 * characters are written, then "…".
 */
static void put_text(struct sbuf *out, const char *s, size_t max)
{
	struct sbuf tmp = SBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	if (s == NULL)
		return;
	while (*p) {
		size_t n = 0;
		unsigned c = *p;

		if (max && chars == max) {
			sb_puts(&tmp, "\xe2\x80\xa6");
			break;
		}
		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		if (n > 1) {
			for (size_t i = 1; i < n; i++)
				if ((p[i] & 0xc0) != 0x80)
					n = 0;
			/* overlong 3/4-byte forms, surrogates, beyond U+10FFFF */
			if ((n == 3 && c == 0xe0 && p[1] < 0xa0) || (n == 3 && c == 0xed && p[1] >= 0xa0) ||
			    (n == 4 && c == 0xf0 && p[1] < 0x90) || (n == 4 && c == 0xf4 && p[1] >= 0x90))
				n = 0;
		}
		if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f)) ||
		    (n == 2 && c == 0xc2 && p[1] < 0xa0)) { /* C1 controls */
			sb_puts(&tmp, "\xef\xbf\xbd");
			p += n ? n : 1;
		} else {
			sb_add(&tmp, p, n);
			p += n;
		}
		chars++;
	}
	if (tmp.failed)
		out->failed = 1;
	else if (tmp.ptr)
		sb_html(out, tmp.ptr);
	sb_free(&tmp);
}

/* The base URL, escaped for an attribute. */
static void put_base(struct sbuf *out, const char *base)
{
	sb_html(out, base ? base : "");
}

/* A code as a URL path segment (compact form when it is a code). */
static void put_code_url(struct sbuf *out, const char *code)
{
	char compact[TAMGA_CODE_BUFSIZE];
	const unsigned char *p;

	if (code == NULL)
		return;
	if (tamga_code_compact(compact, code) == 0)
		code = compact;
	for (p = (const unsigned char *)code; *p; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-')
			sb_add(out, p, 1);
		else
			sb_printf(out, "%%%02X", *p);
	}
}

/* "YYYY-MM-DD HH:MM UTC" */
static void put_time(struct sbuf *out, tamga_time t)
{
	char buf[TAMGA_TIME_BUFSIZE];
	char *T, *colon;

	tamga_time_format(buf, t);
	T = strchr(buf, 'T');
	colon = strrchr(buf, ':');
	if (T == NULL || colon == NULL || colon < T) {
		put_text(out, buf, 0);
		return;
	}
	*T = ' ';
	*colon = '\0';
	sb_html(out, buf);
	sb_puts(out, " UTC");
}

/*
 * The person's name from an RFC 2253 subject ("CN=...,O=..."): the CN value
 * with its escapes undone, else the whole subject.  Untrusted either way.
 */
static void put_signer(struct sbuf *out, page_lang lang, const char *subject)
{
	struct sbuf cn = SBUF_INIT;
	const char *p;
	int start;

	if (subject == NULL || *subject == '\0') {
		sb_puts(out, tr(lang, M_UNKNOWN_SIGNER));
		return;
	}
	/* Find "CN=" at the start of an RDN; an escaped "\," starts none. */
	for (p = subject, start = 1; *p; p++) {
		if (start && strncmp(p, "CN=", 3) == 0)
			break;
		start = *p == ',' || *p == '+';
		if (*p == '\\' && p[1])
			p++;
	}
	if (*p) {
		for (p += 3; *p && *p != ',' && *p != '+'; p++) {
			static const char hex[] = "0123456789abcdef0123456789ABCDEF";
			const char *h1, *h2;

			if (*p != '\\' || p[1] == '\0') {
				sb_add(&cn, p, 1);
				continue;
			}
			p++;
			h1 = strchr(hex, *p);
			h2 = p[1] ? strchr(hex, p[1]) : NULL;
			if (h1 && h2 && *p && p[1]) {
				char b = (char)((((h1 - hex) & 15) << 4) | ((h2 - hex) & 15));

				sb_add(&cn, &b, 1);
				p++;
			} else {
				sb_add(&cn, p, 1);
			}
		}
	}
	if (cn.len && !cn.failed)
		put_text(out, cn.ptr, 0);
	else
		put_text(out, subject, 0);
	sb_free(&cn);
}

static const char *lang_code(page_lang lang)
{
	return lang == LANG_EN ? "en" : "mn";
}

/* ------------------------------------------------------------ page frame */

/*
 * One style sheet for every page.  Mobile first: one column at any width,
 * 48 px tap targets, 16 px+ inputs (no zoom-on-focus), long values wrap.
 * Status colours: white on #146c2e (6.9:1), on #b3261e (6.3:1), on #4a5160
 * (8:1); #1f1f1f on #f2b01e (9:1); each banner also carries an icon and
 * words.  Print: no colour needed, forms and the language link hidden.
 */
static const char style[] =
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
	"body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",Arial,"
	"sans-serif;font-size:1.0625rem;line-height:1.5;color:#1f1f1f;background:#f3f4f6}"
	".skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;color:#0b3d91;"
	"padding:.5rem;z-index:1}"
	"header{background:#0b2e59;color:#fff}"
	".bar{max-width:40rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;"
	"justify-content:space-between;gap:.5rem}"
	".brand{color:#fff;font-weight:700;text-decoration:none;padding:.6rem 0;min-height:48px;display:inline-flex;"
	"align-items:center}"
	".lang{color:#fff;font-weight:700;text-decoration:none;border:2px solid #fff;border-radius:.4rem;"
	"padding:.55rem 1rem;min-height:48px;display:inline-flex;align-items:center}"
	"main{display:block;max-width:40rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}"
	"h2{font-size:1.2rem;margin:0 0 .5rem}"
	"p{margin:.5rem 0}"
	"a{color:#0b3d91}"
	".banner{display:flex;align-items:center;gap:.85rem;padding:1.1rem 1rem;margin:0 0 1rem;"
	"border:3px solid #1f1f1f;border-radius:.6rem}"
	".banner .icon{font-size:2.6rem;line-height:1;font-weight:700;flex:none}"
	".banner .word{display:block;font-size:1.75rem;font-weight:800;line-height:1.2;letter-spacing:.01em;"
	"overflow-wrap:anywhere}"
	".banner .alt{display:block;font-size:1rem;font-weight:700;opacity:.95}"
	".ok{background:#146c2e;border-color:#0d4a1f;color:#fff}"
	".bad{background:#b3261e;border-color:#7a1913;color:#fff}"
	".warn{background:#f2b01e;border-color:#8a5a00;color:#1f1f1f}"
	".info{background:#4a5160;border-color:#2b2f38;color:#fff}"
	".card{background:#fff;border:1px solid #c9cdd4;border-radius:.6rem;padding:1rem;margin:0 0 1rem}"
	".card.alert{border:3px solid #b3261e}"
	".card.note{border:3px solid #8a5a00}"
	"dl{margin:0}"
	"dt{font-weight:700;font-size:.9rem;color:#444b57;margin-top:.8rem}"
	"dt:first-child{margin-top:0}"
	"dd{margin:0;overflow-wrap:anywhere}"
	".mono,code{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace}"
	".hash{word-break:break-all;font-size:.95rem}"
	".echo{display:inline-block;max-width:100%;background:#eceef1;border:1px solid #c9cdd4;border-radius:.3rem;"
	"padding:.1rem .4rem;overflow-wrap:anywhere;word-break:break-all}"
	".button,button{display:block;width:100%;min-height:48px;margin:.75rem 0 0;padding:.75rem 1rem;"
	"font:inherit;font-size:1.1rem;font-weight:700;text-align:center;text-decoration:none;cursor:pointer;"
	"border:2px solid #0b2e59;border-radius:.5rem;background:#0b2e59;color:#fff}"
	".button.secondary{background:#fff;color:#0b2e59}"
	"label{display:block;font-weight:700;margin:.5rem 0 .25rem}"
	"input[type=text]{display:block;width:100%;min-height:48px;padding:.6rem .7rem;font-size:1.2rem;"
	"font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;letter-spacing:.04em;"
	"border:2px solid #5a6270;border-radius:.4rem;background:#fff;color:#1f1f1f}"
	"input[type=file]{display:block;width:100%;min-height:48px;padding:.6rem 0;font-size:1rem}"
	".hint{font-size:.95rem;color:#444b57}"
	":focus-visible{outline:3px solid #f2b01e;outline-offset:2px}"
	"ol.sigs{list-style:none;margin:0;padding:0}"
	".sig-status{font-weight:800;font-size:1.1rem;margin:0 0 .5rem}"
	".sig-status.ok,.sig-status.bad,.sig-status.warn{display:inline-block;padding:.2rem .6rem;border-radius:.3rem;"
	"border:2px solid}"
	"footer{max-width:40rem;margin:0 auto;padding:0 1rem 2rem;font-size:.9rem;color:#444b57}"
	"@media print{body{background:#fff;color:#000;font-size:11pt}"
	"header .lang,form,.noprint,.skip{display:none!important}"
	"header,.banner,.sig-status{background:#fff!important;color:#000!important;border-color:#000!important}"
	".brand{color:#000}.card{border:1px solid #000;break-inside:avoid}a{color:#000}"
	"dd a[href]:after{content:\" (\" attr(href) \")\";font-size:9pt;word-break:break-all}}";

static void page_begin(struct sbuf *out, page_lang lang, const char *base, enum msg title)
{
	page_lang other = lang == LANG_EN ? LANG_MN : LANG_EN;

	sb_printf(out, "<!doctype html>\n<html lang=\"%s\">\n<head>\n", lang_code(lang));
	sb_puts(out, "<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<meta name=\"robots\" content=\"noindex\">\n"
	             "<meta name=\"referrer\" content=\"no-referrer\">\n");
	sb_printf(out, "<title>%s — %s</title>\n", tr(lang, title), tr(lang, M_SERVICE));
	sb_printf(out, "<style>%s</style>\n</head>\n<body>\n", style);
	sb_printf(out, "<a class=\"skip\" href=\"#main\">%s</a>\n", tr(lang, M_SKIP));
	sb_puts(out, "<header><div class=\"bar\"><a class=\"brand\" href=\"");
	put_base(out, base);
	sb_printf(out, "/v?lang=%s\">%s</a>", lang_code(lang), tr(lang, M_SERVICE));
	sb_printf(out, "<a class=\"lang\" href=\"?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a></div></header>\n",
	          lang_code(other), lang_code(other), lang_code(other), tr(lang, M_SWITCH));
	sb_puts(out, "<main id=\"main\">\n");
}

static void page_end(struct sbuf *out, page_lang lang)
{
	sb_printf(out, "</main>\n<footer><p>%s</p></footer>\n</body>\n</html>\n", tr(lang, M_FOOTER));
}

/*
 * The big status banner: an icon and words (never colour alone); on the
 * Mongolian page the English word follows, smaller, for foreign readers.
 */
static void banner(struct sbuf *out, page_lang lang, const char *cls, const char *icon, enum msg word)
{
	sb_printf(out, "<div class=\"banner %s\" role=\"status\"><span class=\"icon\" aria-hidden=\"true\">%s</span>"
	               "<div><strong class=\"word\">%s</strong>",
	          cls, icon, tr(lang, word));
	if (lang == LANG_MN)
		sb_printf(out, "<span class=\"alt\" lang=\"en\">%s</span>", text[word].en);
	sb_puts(out, "</div></div>\n");
}

#define ICON_OK "\xe2\x9c\x93"     /* ✓ */
#define ICON_BAD "\xe2\x9c\x97"    /* ✗ */
#define ICON_WARN "!"
#define ICON_UNKNOWN "?"

static void code_form(struct sbuf *out, page_lang lang, const char *base, const char *prefill, enum msg button)
{
	sb_puts(out, "<form method=\"get\" action=\"");
	put_base(out, base);
	sb_printf(out, "/v\">\n<label for=\"code\">%s</label>\n", tr(lang, M_CODE_LABEL));
	sb_printf(out, "<p class=\"hint\" id=\"code-hint\">%s</p>\n", tr(lang, M_CODE_HINT));
	sb_puts(out, "<input type=\"text\" id=\"code\" name=\"code\" required maxlength=\"64\" autocomplete=\"off\" "
	             "autocapitalize=\"characters\" spellcheck=\"false\" aria-describedby=\"code-hint\" "
	             "placeholder=\"XXXX-XXXX-XXXX-XXXX-X\"");
	if (prefill && *prefill) {
		sb_puts(out, " value=\"");
		put_text(out, prefill, ECHO_MAX);
		sb_puts(out, "\"");
	}
	sb_printf(out, ">\n<input type=\"hidden\" name=\"lang\" value=\"%s\">\n", lang_code(lang));
	sb_printf(out, "<button type=\"submit\">%s</button>\n</form>\n", tr(lang, button));
}

/* A multipart upload form; action is base + path (+ the page language). */
static void upload_form(struct sbuf *out, page_lang lang, const char *base, const char *path, const char *code,
                        enum msg label, enum msg button)
{
	sb_puts(out, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"");
	put_base(out, base);
	sb_puts(out, path);
	if (code) {
		put_code_url(out, code);
		sb_puts(out, "/check");
	}
	sb_printf(out, "?lang=%s\">\n", lang_code(lang));
	sb_printf(out, "<label for=\"document\">%s</label>\n", tr(lang, label));
	sb_puts(out, "<input type=\"file\" id=\"document\" name=\"document\" accept=\".pdf,.docx,.xlsx,.pptx,.odt,.ods,application/pdf\" required>\n");
	sb_printf(out, "<button type=\"submit\">%s</button>\n</form>\n", tr(lang, button));
}

/* ------------------------------------------------------------ pages */

static void doc_type(struct sbuf *out, page_lang lang, const char *type)
{
	static const struct {
		const char *name;
		enum msg m;
	} known[] = {
		{ "reference", M_TYPE_REFERENCE }, { "certificate", M_TYPE_CERTIFICATE }, { "letter", M_TYPE_LETTER },
		{ "decision", M_TYPE_DECISION },   { "contract", M_TYPE_CONTRACT },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(type, known[i].name) == 0) {
			sb_puts(out, tr(lang, known[i].m));
			return;
		}
	put_text(out, type, 0);
}

/* dt/dd pair with a translated label; the value is written by the caller. */
static void dt(struct sbuf *out, page_lang lang, enum msg label)
{
	sb_printf(out, "<dt>%s</dt><dd>", tr(lang, label));
}

static void status_details(struct sbuf *out, page_lang lang, const char *base, const tamga_document *doc)
{
	enum msg on = doc->status == TAMGA_DOC_REVOKED ? M_REVOKED_ON : M_SUPERSEDED_ON;

	if (doc->status == TAMGA_DOC_VALID)
		return;
	sb_puts(out, "<dl>");
	if (doc->status_time) {
		dt(out, lang, on);
		put_time(out, doc->status_time);
		sb_puts(out, "</dd>");
	}
	if (doc->status_reason[0]) {
		dt(out, lang, M_REASON);
		put_text(out, doc->status_reason, 0);
		sb_puts(out, "</dd>");
	}
	sb_puts(out, "</dl>\n");
	if (doc->status == TAMGA_DOC_SUPERSEDED && doc->replaced_by[0]) {
		sb_puts(out, "<a class=\"button\" href=\"");
		put_base(out, base);
		sb_puts(out, "/v/");
		put_code_url(out, doc->replaced_by);
		sb_printf(out, "?lang=%s\">%s: <span class=\"mono\">", lang_code(lang), tr(lang, M_NEW_DOCUMENT));
		put_text(out, doc->replaced_by, 0);
		sb_puts(out, "</span></a>\n");
	}
}

static void document_found(struct sbuf *out, page_lang lang, const char *base, const tamga_document *doc)
{
	page_begin(out, lang, base, M_DOC_TITLE);
	switch (doc->status) {
	case TAMGA_DOC_REVOKED:
		banner(out, lang, "bad", ICON_BAD, M_REVOKED);
		sb_printf(out, "<section class=\"card alert\"><p>%s</p>\n", tr(lang, M_REVOKED_TEXT));
		break;
	case TAMGA_DOC_SUPERSEDED:
		banner(out, lang, "warn", ICON_WARN, M_SUPERSEDED);
		sb_printf(out, "<section class=\"card note\"><p>%s</p>\n", tr(lang, M_SUPERSEDED_TEXT));
		break;
	case TAMGA_DOC_VALID:
	default:
		banner(out, lang, "ok", ICON_OK, M_VALID);
		sb_printf(out, "<section class=\"card\"><p>%s</p>\n", tr(lang, M_VALID_TEXT));
		break;
	}
	status_details(out, lang, base, doc);
	sb_puts(out, "</section>\n");

	sb_printf(out, "<section class=\"card\"><h2>%s</h2>\n<dl>\n", tr(lang, M_DETAILS));
	dt(out, lang, M_AGENCY);
	put_text(out, doc->agency, 0);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_DOC_TYPE);
	doc_type(out, lang, doc->doc_type);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_TITLE);
	put_text(out, doc->title, 0);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_ISSUED);
	put_time(out, doc->issued_at);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_CODE);
	sb_puts(out, "<span class=\"mono\">");
	put_text(out, doc->code, 0);
	sb_puts(out, "</span></dd>\n");
	dt(out, lang, M_SHA256);
	sb_puts(out, "<code class=\"hash\">");
	put_text(out, doc->sha256, 0);
	sb_puts(out, "</code></dd>\n");
	dt(out, lang, M_SIGNER);
	put_signer(out, lang, doc->signer_subject);
	sb_puts(out, "</dd>\n</dl>\n");
	sb_puts(out, "<a class=\"button\" href=\"");
	put_base(out, base);
	sb_puts(out, "/v/");
	put_code_url(out, doc->code);
	sb_printf(out, "/document\" download>%s</a>\n</section>\n", tr(lang, M_DOWNLOAD));

	sb_printf(out, "<section class=\"card noprint\"><h2>%s</h2>\n<p>%s</p>\n", tr(lang, M_COMPARE),
	          tr(lang, M_COMPARE_TEXT));
	upload_form(out, lang, base, "/v/", doc->code, M_COMPARE_LABEL, M_CHECK);
	sb_puts(out, "</section>\n");
	page_end(out, lang);
}

void page_document(struct sbuf *out, page_lang lang, const char *base, const char *typed, const tamga_document *doc,
                   int malformed)
{
	if (doc) {
		document_found(out, lang, base, doc);
		return;
	}
	page_begin(out, lang, base, malformed ? M_MALFORMED : M_UNKNOWN);
	if (malformed) {
		banner(out, lang, "warn", ICON_UNKNOWN, M_MALFORMED);
		sb_printf(out, "<section class=\"card\"><p>%s</p>\n", tr(lang, M_MALFORMED_TEXT));
	} else {
		banner(out, lang, "info", ICON_UNKNOWN, M_UNKNOWN);
		sb_printf(out, "<section class=\"card\"><p>%s</p>\n", tr(lang, M_UNKNOWN_TEXT));
	}
	if (typed && *typed) {
		sb_printf(out, "<p>%s: <span class=\"echo mono\">", tr(lang, malformed ? M_YOU_ENTERED : M_YOU_TYPED));
		put_text(out, typed, ECHO_MAX);
		sb_puts(out, "</span></p>\n");
	}
	if (malformed)
		sb_printf(out, "<p>%s</p>\n<p class=\"mono\"><strong>XXXX-XXXX-XXXX-XXXX-X</strong></p>\n</section>\n",
		          tr(lang, M_CODE_FORMAT));
	else
		sb_printf(out, "<p>%s</p>\n</section>\n", tr(lang, M_UNKNOWN_ADVICE));
	sb_printf(out, "<section class=\"card\"><h2>%s</h2>\n", tr(lang, M_TRY_AGAIN));
	code_form(out, lang, base, malformed ? typed : NULL, M_LOOK_UP);
	sb_puts(out, "</section>\n<p class=\"noprint\"><a href=\"");
	put_base(out, base);
	sb_printf(out, "/verify?lang=%s\">%s</a></p>\n", lang_code(lang), tr(lang, M_CHECK_FILE_INSTEAD));
	page_end(out, lang);
}

void page_home(struct sbuf *out, page_lang lang, const char *base)
{
	page_begin(out, lang, base, M_HOME_TITLE);
	sb_printf(out, "<h1>%s</h1>\n<p>%s</p>\n<p class=\"hint\">%s</p>\n", tr(lang, M_HOME_TITLE),
	          tr(lang, M_HOME_INTRO), tr(lang, M_HOME_QR_HINT));
	sb_printf(out, "<section class=\"card\"><h2>%s</h2>\n", tr(lang, M_BY_CODE));
	code_form(out, lang, base, NULL, M_LOOK_UP);
	sb_printf(out, "</section>\n<section class=\"card\"><h2>%s</h2>\n<p>%s</p>\n", tr(lang, M_BY_FILE),
	          tr(lang, M_FILE_INTRO));
	upload_form(out, lang, base, "/verify", NULL, M_FILE_LABEL, M_CHECK);
	sb_puts(out, "</section>\n");
	page_end(out, lang);
}

/* ------------------------------------------------------------ report */

static enum msg sub_msg(tamga_subindication sub)
{
	switch (sub) {
	case TAMGA_SUB_NONE: return M_SUB_NONE;
	case TAMGA_SUB_FORMAT_FAILURE: return M_SUB_FORMAT_FAILURE;
	case TAMGA_SUB_HASH_FAILURE: return M_SUB_HASH_FAILURE;
	case TAMGA_SUB_SIG_CRYPTO_FAILURE: return M_SUB_SIG_CRYPTO_FAILURE;
	case TAMGA_SUB_REVOKED: return M_SUB_REVOKED;
	case TAMGA_SUB_NOT_YET_VALID: return M_SUB_NOT_YET_VALID;
	case TAMGA_SUB_SIG_CONSTRAINTS_FAILURE: return M_SUB_SIG_CONSTRAINTS_FAILURE;
	case TAMGA_SUB_CHAIN_CONSTRAINTS_FAILURE: return M_SUB_CHAIN_CONSTRAINTS_FAILURE;
	case TAMGA_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE: return M_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE;
	case TAMGA_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE: return M_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE;
	case TAMGA_SUB_NO_SIGNING_CERTIFICATE_FOUND: return M_SUB_NO_SIGNING_CERTIFICATE_FOUND;
	case TAMGA_SUB_NO_CERTIFICATE_CHAIN_FOUND: return M_SUB_NO_CERTIFICATE_CHAIN_FOUND;
	case TAMGA_SUB_REVOKED_NO_POE: return M_SUB_REVOKED_NO_POE;
	case TAMGA_SUB_REVOKED_CA_NO_POE: return M_SUB_REVOKED_CA_NO_POE;
	case TAMGA_SUB_OUT_OF_BOUNDS_NO_POE: return M_SUB_OUT_OF_BOUNDS_NO_POE;
	case TAMGA_SUB_TRY_LATER: return M_SUB_TRY_LATER;
	}
	return M_SUB_OTHER;
}

/* The plain-words sentence for one signature's result. */
static enum msg signature_msg(tamga_verdict ind, tamga_subindication sub)
{
	if (ind == TAMGA_VERDICT_TOTAL_PASSED)
		return M_SUB_NONE;
	if (sub == TAMGA_SUB_NONE)
		return M_SUB_OTHER;
	return sub_msg(sub);
}

/* The registry's side, first when it matters more than the signatures. */
static void registered_notice(struct sbuf *out, page_lang lang, const char *base, const tamga_document *reg)
{
	if (reg->status == TAMGA_DOC_REVOKED) {
		banner(out, lang, "bad", ICON_BAD, M_REG_REVOKED_BANNER);
		sb_printf(out, "<section class=\"card alert\"><p><strong>%s</strong></p>\n", tr(lang, M_REG_REVOKED_TEXT));
		status_details(out, lang, base, reg);
		sb_puts(out, "</section>\n");
	} else if (reg->status == TAMGA_DOC_SUPERSEDED) {
		banner(out, lang, "warn", ICON_WARN, M_SUPERSEDED);
		sb_printf(out, "<section class=\"card note\"><p><strong>%s</strong></p>\n",
		          tr(lang, M_REG_SUPERSEDED_TEXT));
		status_details(out, lang, base, reg);
		sb_puts(out, "</section>\n");
	}
}

static void registered_details(struct sbuf *out, page_lang lang, const char *base, const tamga_document *reg,
                               int same)
{
	enum msg st = reg->status == TAMGA_DOC_REVOKED      ? M_REVOKED
	              : reg->status == TAMGA_DOC_SUPERSEDED ? M_SUPERSEDED
	                                                    : M_VALID;

	sb_printf(out, "<section class=\"card%s\"><h2>%s</h2>\n", same ? "" : " note", tr(lang, M_REGISTERED));
	sb_printf(out, "<p><strong>%s %s</strong></p>\n", same ? ICON_OK : ICON_WARN,
	          tr(lang, same ? M_SAME : M_NOT_SAME));
	if (!same)
		sb_printf(out, "<p>%s</p>\n", tr(lang, M_NOT_SAME_ADVICE));
	sb_puts(out, "<dl>\n");
	dt(out, lang, M_REGISTRY_STATUS);
	sb_printf(out, "<strong>%s</strong></dd>\n", tr(lang, st));
	dt(out, lang, M_CODE);
	sb_puts(out, "<a class=\"mono\" href=\"");
	put_base(out, base);
	sb_puts(out, "/v/");
	put_code_url(out, reg->code);
	sb_printf(out, "?lang=%s\">", lang_code(lang));
	put_text(out, reg->code, 0);
	sb_puts(out, "</a></dd>\n");
	dt(out, lang, M_AGENCY);
	put_text(out, reg->agency, 0);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_TITLE);
	put_text(out, reg->title, 0);
	sb_puts(out, "</dd>\n");
	dt(out, lang, M_ISSUED);
	put_time(out, reg->issued_at);
	sb_puts(out, "</dd>\n</dl>\n");
	if (!same) {
		sb_puts(out, "<a class=\"button secondary\" href=\"");
		put_base(out, base);
		sb_puts(out, "/v/");
		put_code_url(out, reg->code);
		sb_printf(out, "/document\" download>%s</a>\n", tr(lang, M_DOWNLOAD));
	}
	sb_puts(out, "</section>\n");
}

void page_report(struct sbuf *out, page_lang lang, const char *base, const tamga_report *report,
                 const tamga_document *registered, int same_as_registered)
{
	tamga_verdict verdict = report ? tamga_report_verdict(report) : TAMGA_VERDICT_TOTAL_FAILED;
	size_t n = report ? tamga_report_signature_count(report) : 0;
	const char *code = report ? tamga_report_document_code(report) : NULL;
	const char *sha = report ? tamga_report_sha256(report) : NULL;

	page_begin(out, lang, base, M_REPORT_TITLE);
	sb_printf(out, "<h1>%s</h1>\n", tr(lang, M_REPORT_TITLE));
	if (registered)
		registered_notice(out, lang, base, registered);

	switch (verdict) {
	case TAMGA_VERDICT_TOTAL_PASSED:
		banner(out, lang, "ok", ICON_OK, M_PASSED);
		sb_printf(out, "<section class=\"card\"><p>%s</p>", tr(lang, M_PASSED_TEXT));
		break;
	case TAMGA_VERDICT_TOTAL_FAILED: {
		const char *rs = tamga_report_registry_status(report);
		enum msg why = n == 0 ? M_UNREADABLE : M_SUB_OTHER;

		/* The first failed signature decides the reason; with none, the
		 * registry the verifier asked (revoked, superseded), else a file
		 * that could not be read at all. */
		if (rs && strcmp(rs, "revoked") == 0)
			why = M_REGSTAT_REVOKED;
		else if (rs && strcmp(rs, "superseded") == 0)
			why = M_REGSTAT_SUPERSEDED;
		for (size_t i = 0; i < n; i++)
			if (tamga_report_signature_indication(report, i) == TAMGA_VERDICT_TOTAL_FAILED) {
				why = signature_msg(TAMGA_VERDICT_TOTAL_FAILED,
				                    tamga_report_signature_subindication(report, i));
				break;
			}
		banner(out, lang, "bad", ICON_BAD, M_FAILED);
		sb_printf(out, "<section class=\"card alert\"><p><strong>%s</strong></p><p>%s: %s</p>",
		          tr(lang, M_FAILED_TEXT), tr(lang, M_REASON), tr(lang, why));
		break;
	}
	case TAMGA_VERDICT_INDETERMINATE:
		banner(out, lang, "warn", ICON_WARN, M_INDETERMINATE);
		sb_printf(out, "<section class=\"card note\"><p>%s</p>", tr(lang, M_INDETERMINATE_TEXT));
		if (tamga_report_registry_status(report)) {
			const char *rs = tamga_report_registry_status(report);

			if (strcmp(rs, "unknown") == 0)
				sb_printf(out, "<p>%s</p>", tr(lang, M_REGSTAT_UNKNOWN));
			else if (strcmp(rs, "unavailable") == 0)
				sb_printf(out, "<p>%s</p>", tr(lang, M_REGSTAT_UNAVAILABLE));
		}
		break;
	case TAMGA_VERDICT_NO_SIGNATURE:
	default:
		banner(out, lang, "info", ICON_UNKNOWN, M_NO_SIGNATURE);
		sb_printf(out, "<section class=\"card\"><p>%s</p>", tr(lang, M_NO_SIGNATURE_TEXT));
		break;
	}
	if (code || (sha && *sha)) {
		sb_puts(out, "\n<dl>\n");
		if (code) {
			dt(out, lang, M_CODE_IN_FILE);
			sb_puts(out, "<span class=\"mono\">");
			put_text(out, code, 0);
			sb_puts(out, "</span>");
			if (!registered) {
				sb_puts(out, " · <a href=\"");
				put_base(out, base);
				sb_puts(out, "/v/");
				put_code_url(out, code);
				sb_printf(out, "?lang=%s\">%s</a>", lang_code(lang), tr(lang, M_SEE_STATUS));
			}
			sb_puts(out, "</dd>\n");
		}
		if (sha && *sha) {
			dt(out, lang, M_FILE_SHA256);
			sb_puts(out, "<code class=\"hash\">");
			put_text(out, sha, 0);
			sb_puts(out, "</code></dd>\n");
		}
		sb_puts(out, "</dl>");
	}
	sb_puts(out, "</section>\n");

	if (n > 0) {
		sb_printf(out, "<section class=\"card\"><h2>%s</h2>\n<ol class=\"sigs\">\n", tr(lang, M_SIGNATURES));
		for (size_t i = 0; i < n; i++) {
			tamga_verdict ind = tamga_report_signature_indication(report, i);
			tamga_subindication sub = tamga_report_signature_subindication(report, i);
			const char *cls = ind == TAMGA_VERDICT_TOTAL_PASSED ? "ok"
			                  : ind == TAMGA_VERDICT_TOTAL_FAILED ? "bad"
			                                                      : "warn";
			const char *icon = ind == TAMGA_VERDICT_TOTAL_PASSED ? ICON_OK
			                   : ind == TAMGA_VERDICT_TOTAL_FAILED ? ICON_BAD
			                                                       : ICON_WARN;
			enum msg word = ind == TAMGA_VERDICT_TOTAL_PASSED ? M_SIG_PASSED
			                : ind == TAMGA_VERDICT_TOTAL_FAILED ? M_SIG_FAILED
			                                                    : M_SIG_INDETERMINATE;

			sb_printf(out, "<li%s>\n<h3>%s%zu</h3>\n", i ? " style=\"margin-top:1rem\"" : "",
			          tr(lang, M_SIGNATURE_N), i + 1);
			sb_printf(out, "<p class=\"sig-status %s\"><span aria-hidden=\"true\">%s</span> %s</p>\n", cls, icon,
			          tr(lang, word));
			sb_puts(out, "<dl>\n");
			dt(out, lang, M_SIGNER);
			put_signer(out, lang, tamga_report_signature_signer(report, i));
			sb_printf(out, "</dd>\n<dt>%s</dt><dd>%s", tr(lang, M_EXPLANATION), tr(lang, signature_msg(ind, sub)));
			if (tamga_subindication_name(sub))
				sb_printf(out, " <span class=\"hint mono\">(%s)</span>", tamga_subindication_name(sub));
			sb_puts(out, "</dd>\n</dl>\n</li>\n");
		}
		sb_puts(out, "</ol>\n</section>\n");
	}
	if (registered)
		registered_details(out, lang, base, registered, same_as_registered);
	sb_puts(out, "<p class=\"noprint\"><a class=\"button secondary\" href=\"");
	put_base(out, base);
	sb_printf(out, "/v?lang=%s\">%s</a></p>\n", lang_code(lang), tr(lang, M_CHECK_ANOTHER));
	page_end(out, lang);
}

/* ------------------------------------------------------------ errors */

void page_error(struct sbuf *out, page_lang lang, const char *base, int status, const char *what)
{
	enum msg head, body;
	int show_what = 0;

	switch (status) {
	case 400: head = M_ERR_400; body = M_ERR_400_TEXT; show_what = 1; break;
	case 404: head = M_ERR_404; body = M_ERR_404_TEXT; break;
	case 413: head = M_ERR_413; body = M_ERR_413_TEXT; show_what = 1; break;
	default:
		if (status >= 400 && status < 500) {
			head = M_ERR_4XX;
			body = M_ERR_4XX_TEXT;
		} else { /* 500 and anything else: never internals */
			head = M_ERR_500;
			body = M_ERR_500_TEXT;
		}
		break;
	}
	page_begin(out, lang, base, head);
	sb_printf(out, "<div class=\"banner %s\" role=\"alert\"><span class=\"icon\" aria-hidden=\"true\">!</span>"
	               "<div><strong class=\"word\">%s</strong><span class=\"alt\">%d</span></div></div>\n",
	          status >= 500 ? "bad" : "warn", tr(lang, head), status);
	sb_printf(out, "<section class=\"card\"><p>%s</p>\n", tr(lang, body));
	if (show_what && what && *what)
		sb_printf(out, "<p>%s: ", tr(lang, status == 413 ? M_ERR_LIMIT : M_ERR_DETAIL));
	if (show_what && what && *what) {
		put_text(out, what, 200);
		sb_puts(out, "</p>\n");
	}
	sb_puts(out, "</section>\n<p><a class=\"button\" href=\"");
	put_base(out, base);
	sb_printf(out, "/v?lang=%s\">%s</a></p>\n", lang_code(lang), tr(lang, M_BACK_HOME));
	page_end(out, lang);
}
