package neo4j

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
)

// Every Cypher statement the store runs is in this file, as a named
// constant registered in Statements with the parameters it takes, so that
// the lint test can hand each one to Neo4j's own parser. Values always
// travel as parameters; the only text ever spliced into a statement is a
// label or a relationship type from graph.Kinds and graph.Relations (see
// expand), because Neo4j 5 before 5.26 cannot take those as parameters when
// it creates a node or a relationship.

// Statement is one Cypher statement and the parameters it declares. The
// store refuses to run a statement with any other parameters, so a typo in
// a parameter name fails loudly instead of matching nothing.
type Statement struct {
	Name   string
	Cypher string
	Params []string
}

// viewerParams are the parameters of the visibility rule: $all is true for
// viewers who see every document (graph.Viewer.SeesEverything), $viewer is
// the viewer's contributor id or the empty string.
var viewerParams = []string{"all", "viewer"}

// The visibility rule of graph.Viewer.CanRead, as a predicate on a
// document variable: public, or the viewer sees everything, or the viewer
// is an author, or the document is COMMUNITY and tied to a community the
// viewer is a member of. A document a curator hid pending review carries
// hidden = true (the property is absent otherwise) and is then PRIVATE
// whatever its visibility says. It is written out for each variable name
// the statements use (d, n, o), since Cypher has no macros.
//
// Each subquery repeats the test that $viewer is not empty inside itself: the planner rewrites
// the outer OR into cases and may run a subquery for an anonymous reader
// anyway (visibleLinks expanded the authors of every non-public end it
// met); a predicate of the subquery's own stops it before it expands.
const (
	canReadD = `($all OR ` + publicD + ` OR ($viewer <> '' AND (` +
		`EXISTS { MATCH (d)<-[:AUTHORED]-(:Contributor {id: $viewer}) WHERE $viewer <> '' } OR ` +
		`(d.visibility = 'COMMUNITY' AND d.hidden IS NULL AND EXISTS { MATCH (d)-[:OF_COMMUNITY]->(:Community)<-[:MEMBER_OF]-(:Contributor {id: $viewer}) WHERE $viewer <> '' }))))`
	canReadN = `($all OR (n.visibility = 'PUBLIC' AND n.hidden IS NULL) OR ($viewer <> '' AND (` +
		`EXISTS { MATCH (n)<-[:AUTHORED]-(:Contributor {id: $viewer}) WHERE $viewer <> '' } OR ` +
		`(n.visibility = 'COMMUNITY' AND n.hidden IS NULL AND EXISTS { MATCH (n)-[:OF_COMMUNITY]->(:Community)<-[:MEMBER_OF]-(:Contributor {id: $viewer}) WHERE $viewer <> '' }))))`
	canReadO = `($all OR (o.visibility = 'PUBLIC' AND o.hidden IS NULL) OR ($viewer <> '' AND (` +
		`EXISTS { MATCH (o)<-[:AUTHORED]-(:Contributor {id: $viewer}) WHERE $viewer <> '' } OR ` +
		`(o.visibility = 'COMMUNITY' AND o.hidden IS NULL AND EXISTS { MATCH (o)-[:OF_COMMUNITY]->(:Community)<-[:MEMBER_OF]-(:Contributor {id: $viewer}) WHERE $viewer <> '' }))))`
	canReadE = `($all OR (e.visibility = 'PUBLIC' AND e.hidden IS NULL) OR ($viewer <> '' AND (` +
		`EXISTS { MATCH (e)<-[:AUTHORED]-(:Contributor {id: $viewer}) WHERE $viewer <> '' } OR ` +
		`(e.visibility = 'COMMUNITY' AND e.hidden IS NULL AND EXISTS { MATCH (e)-[:OF_COMMUNITY]->(:Community)<-[:MEMBER_OF]-(:Contributor {id: $viewer}) WHERE $viewer <> '' }))))`
)

// carnetEntries is, per carnet, the entries the viewer may read with
// their stored positions: what graph.CarnetRanks numbers into the positions
// the viewer is shown (issue #15). One pass per carnet, however many of its
// links a query returns.
const carnetEntries = `UNWIND $ids AS id
MATCH (:Carnet {id: id})<-[q:IN_CARNET]-(e:Document)
WHERE ` + canReadE + `
RETURN id, e.id AS document, q.position AS position`

// publicD is what canReadD comes down to for a viewer who is no
// contributor and does not see everything ($all false, $viewer empty):
// without the subqueries the planner would otherwise run for every
// document that is not public (see countDocumentsPublic).
const publicD = `(d.visibility = 'PUBLIC' AND d.hidden IS NULL)`

// ---- schema (run by Open; each statement is idempotent) ----

// Every node carries :Node and the label of its kind; ids are unique
// across kinds (links name their ends by id alone), hence the :Node
// constraint on top of the one per label.
const (
	constraintNode          = `CREATE CONSTRAINT maillage_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE`
	constraintNote          = `CREATE CONSTRAINT maillage_note_id IF NOT EXISTS FOR (n:Note) REQUIRE n.id IS UNIQUE`
	constraintTerm          = `CREATE CONSTRAINT maillage_term_id IF NOT EXISTS FOR (n:Term) REQUIRE n.id IS UNIQUE`
	constraintOrganisation  = `CREATE CONSTRAINT maillage_organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE`
	constraintDocument      = `CREATE CONSTRAINT maillage_document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE`
	constraintContributor   = `CREATE CONSTRAINT maillage_contributor_id IF NOT EXISTS FOR (n:Contributor) REQUIRE n.id IS UNIQUE`
	constraintCarnet        = `CREATE CONSTRAINT maillage_carnet_id IF NOT EXISTS FOR (n:Carnet) REQUIRE n.id IS UNIQUE`
	constraintCommunity     = `CREATE CONSTRAINT maillage_community_id IF NOT EXISTS FOR (n:Community) REQUIRE n.id IS UNIQUE`
	constraintKnowledgeBase = `CREATE CONSTRAINT maillage_knowledge_base_id IF NOT EXISTS FOR (n:KnowledgeBase) REQUIRE n.id IS UNIQUE`
	constraintRevision      = `CREATE CONSTRAINT maillage_revision_id IF NOT EXISTS FOR (n:Revision) REQUIRE n.id IS UNIQUE`
	constraintStandpoint    = `CREATE CONSTRAINT maillage_standpoint_value_id IF NOT EXISTS FOR (n:StandpointValue) REQUIRE n.id IS UNIQUE`
	constraintToken         = `CREATE CONSTRAINT maillage_token_hash IF NOT EXISTS FOR (n:Token) REQUIRE n.hash IS UNIQUE`
	constraintChange        = `CREATE CONSTRAINT maillage_change_seq IF NOT EXISTS FOR (n:Change) REQUIRE n.seq IS UNIQUE`
	constraintFlag          = `CREATE CONSTRAINT maillage_flag_id IF NOT EXISTS FOR (n:Flag) REQUIRE n.id IS UNIQUE`
	constraintComment       = `CREATE CONSTRAINT maillage_comment_id IF NOT EXISTS FOR (n:Comment) REQUIRE n.id IS UNIQUE`
	constraintSequence      = `CREATE CONSTRAINT maillage_sequence_name IF NOT EXISTS FOR (n:Sequence) REQUIRE n.name IS UNIQUE`

	// Lists of groups read one kind; revisions are read and deleted per
	// document; tokens are deleted with their contributor; document lists
	// sort on one of the precomputed keys.
	indexNodeKind        = `CREATE INDEX maillage_node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind)`
	indexRevisionDoc     = `CREATE INDEX maillage_revision_document IF NOT EXISTS FOR (n:Revision) ON (n.documentId)`
	indexTokenOwner      = `CREATE INDEX maillage_token_contributor IF NOT EXISTS FOR (n:Token) ON (n.contributorId)`
	indexSortCreated     = `CREATE INDEX maillage_document_sort_created IF NOT EXISTS FOR (n:Document) ON (n.sortCreated)`
	indexSortUpdated     = `CREATE INDEX maillage_document_sort_updated IF NOT EXISTS FOR (n:Document) ON (n.sortUpdated)`
	indexSortPublished   = `CREATE INDEX maillage_document_sort_published IF NOT EXISTS FOR (n:Document) ON (n.sortPublished)`
	indexSortTitle       = `CREATE INDEX maillage_document_sort_title IF NOT EXISTS FOR (n:Document) ON (n.sortTitle)`
	indexDocumentVisible = `CREATE INDEX maillage_document_visibility IF NOT EXISTS FOR (n:Document) ON (n.visibility)`
	indexFlagDocument    = `CREATE INDEX maillage_flag_document IF NOT EXISTS FOR (n:Flag) ON (n.documentId)`
	// A discussion is read by its document; a comment's bodies by the
	// comment, and dropped with the document.
	indexCommentDocument         = `CREATE INDEX maillage_comment_document IF NOT EXISTS FOR (n:Comment) ON (n.documentId)`
	indexCommentRevisionComment  = `CREATE INDEX maillage_comment_revision_comment IF NOT EXISTS FOR (n:CommentRevision) ON (n.commentId)`
	indexCommentRevisionDocument = `CREATE INDEX maillage_comment_revision_document IF NOT EXISTS FOR (n:CommentRevision) ON (n.documentId)`

	// awaitIndexes lets Open return only once the indexes serve queries.
	awaitIndexes = `CALL db.awaitIndexes($timeoutSeconds)`
)

// schemaStatements run in this order on every Open.
var schemaStatements = []string{
	constraintNode, constraintNote, constraintTerm, constraintOrganisation, constraintDocument,
	constraintContributor, constraintCarnet, constraintCommunity, constraintKnowledgeBase,
	constraintRevision, constraintStandpoint, constraintToken, constraintChange, constraintSequence,
	indexNodeKind, indexRevisionDoc, indexTokenOwner,
	indexSortCreated, indexSortUpdated, indexSortPublished, indexSortTitle, indexDocumentVisible,
	constraintFlag, indexFlagDocument,
	constraintMedia, indexMediaDocument,
	constraintComment, indexCommentDocument, indexCommentRevisionComment, indexCommentRevisionDocument,
}

// ---- the change sequence ----

const (
	// lockSequence is the first statement of every write transaction. The
	// write lock it takes on the one :Sequence node (the "_LOCK_" idiom of
	// the Neo4j manual) serialises writers until they commit: every check a
	// write makes holds until it commits, and sequence numbers are handed
	// out in commit order without gaps, so a follower that has read change
	// n never misses a change below n that commits later.
	lockSequence = `MERGE (s:Sequence {name: $sequence})
ON CREATE SET s.value = 0
SET s._LOCK_ = true
RETURN s.value AS value`

	// appendChanges numbers a write's changes after the current value and
	// releases the marker property; the lock itself lasts until commit. It
	// merges rather than matches the node so that no change can be lost,
	// even after a statement of the same transaction deleted it.
	appendChanges = `MERGE (s:Sequence {name: $sequence})
ON CREATE SET s.value = 0
WITH s, s.value AS base
SET s.value = base + size($changes)
REMOVE s._LOCK_
WITH base
UNWIND range(0, size($changes) - 1) AS i
WITH base + i + 1 AS seq, $changes[i] AS c
CREATE (:Change {seq: seq, at: $at, op: c.op, kind: c.kind, id: c.id, relation: c.relation, otherId: c.otherId})`

	// unlockSequence ends a write that changed nothing.
	unlockSequence = `MATCH (s:Sequence {name: $sequence})
REMOVE s._LOCK_`

	lastSeq = `OPTIONAL MATCH (s:Sequence {name: $sequence})
RETURN coalesce(s.value, 0) AS value`

	changesSince = `MATCH (c:Change)
WHERE c.seq > $since
RETURN c.seq AS seq, c.at AS at, c.op AS op, c.kind AS kind, c.id AS id, c.relation AS relation, c.otherId AS otherId
ORDER BY seq
LIMIT $limit`
)

// ---- nodes of any kind ----

const (
	// nodeKinds looks ids up whatever the viewer: writes use it for id
	// conflicts and for ends that must exist.
	nodeKinds = `UNWIND $ids AS id
OPTIONAL MATCH (n:Node {id: id})
RETURN id, n.kind AS kind`

	// visibleKinds is nodeKinds as the viewer sees the graph: a hidden
	// document has no kind, exactly like a missing node.
	visibleKinds = `UNWIND $ids AS id
OPTIONAL MATCH (n:Node {id: id})
WHERE NOT n:Document OR ` + canReadN + `
RETURN id, n.kind AS kind`

	// nodesOfKind reads contributors and groups, which everyone may read.
	nodesOfKind = `UNWIND $ids AS id
MATCH (n:Node {id: id})
WHERE n.kind = $kind
RETURN n {.*} AS node`

	// allOfKind lists contributors or groups: short lists, paged in Go.
	allOfKind = `MATCH (n:Node)
WHERE n.kind = $kind
RETURN n {.*} AS node`

	// updateNode is the conditional write of every update: it changes
	// nothing unless the version is still the one the caller read.
	updateNode = `MATCH (n:Node {id: $id})
WHERE n.kind = $kind AND n.version = $version
SET n += $props, n.version = $version + 1
` + listedLabels + `
RETURN n.version AS version`

	// deleteNode removes a node with every relationship it has; its
	// links were recorded as UNLINK changes just before.
	deleteNode = `MATCH (n:Node {id: $id})
WHERE n.kind = $kind AND n.version = $version
DETACH DELETE n
RETURN count(*) AS deleted`

	deleteRevisions = `MATCH (r:Revision {documentId: $id})
DELETE r`

	// createNodeTemplate and bulkCreateNodesTemplate are expanded once per
	// kind (LABELS becomes e.g. "Document:Note").
	createNodeTemplate = `CREATE (n:Node:LABELS) SET n = $props
` + listedLabels
	bulkCreateNodesTemplate = `UNWIND $rows AS row
CREATE (n:Node:LABELS)
SET n = row
` + listedLabels
)

// listedLabels keeps the Listed<Kind> label of a document n (ListedNote,
// ListedTerm, ListedOrganisation) true to "anyone may read it": PUBLIC
// and not hidden. Every statement that writes a document's visibility or
// hidden flag ends with it. The label is what lets a count of what an
// anonymous reader may list come from Neo4j's count store, in one db hit
// per kind, instead of reading every document (countListed); a hidden
// document loses it with the write that hides it.
const listedLabels = `FOREACH (_ IN CASE WHEN n:Document AND NOT (n.visibility = 'PUBLIC' AND n.hidden IS NULL) THEN [1] ELSE [] END |
  REMOVE n:ListedNote:ListedTerm:ListedOrganisation)
FOREACH (_ IN CASE WHEN n:Note AND n.visibility = 'PUBLIC' AND n.hidden IS NULL THEN [1] ELSE [] END | SET n:ListedNote)
FOREACH (_ IN CASE WHEN n:Term AND n.visibility = 'PUBLIC' AND n.hidden IS NULL THEN [1] ELSE [] END | SET n:ListedTerm)
FOREACH (_ IN CASE WHEN n:Organisation AND n.visibility = 'PUBLIC' AND n.hidden IS NULL THEN [1] ELSE [] END | SET n:ListedOrganisation)`

// ---- documents ----

const (
	documentsByID = `UNWIND $ids AS id
MATCH (d:Document {id: id})
WHERE ` + canReadD + `
RETURN d {.*} AS doc`

	// documentForWrite loads a document the viewer can read, with its
	// authors for the edit check.
	documentForWrite = `MATCH (d:Document {id: $id})
WHERE ` + canReadD + `
RETURN d {.*} AS doc, [(c:Contributor)-[:AUTHORED]->(d) | c.id] AS authors`

	// authorsOf is a document's authors, whoever asks: the edit check of
	// links runs once both ends are known to be readable.
	authorsOf = `MATCH (c:Contributor)-[:AUTHORED]->(:Document {id: $id})
RETURN c.id AS id`

	createRevision = `CREATE (r:Revision) SET r = $props`

	bulkCreateRevisions = `UNWIND $rows AS row
CREATE (r:Revision)
SET r = row`

	// revisions returns no row for a document the viewer may not read,
	// and one row with a null revision for a readable one without any
	// revision the viewer may read.
	revisions = `MATCH (d:Document {id: $id})
WHERE ` + canReadD + `
OPTIONAL MATCH (r:Revision {documentId: d.id})
WHERE ` + canReadRev + `
RETURN r {.*} AS rev`
)

// canReadRev is graph.Viewer.CanReadRevision as a predicate on a revision r
// of a readable document d: the visibility r records, under d's current
// authors and community ties; a revision without one is PRIVATE.
const canReadRev = `($all OR r.visibility = 'PUBLIC' OR ($viewer <> '' AND (` +
	`EXISTS { MATCH (d)<-[:AUTHORED]-(:Contributor {id: $viewer}) WHERE $viewer <> '' } OR ` +
	`(r.visibility = 'COMMUNITY' AND EXISTS { MATCH (d)-[:OF_COMMUNITY]->(:Community)<-[:MEMBER_OF]-(:Contributor {id: $viewer}) WHERE $viewer <> '' }))))`

// scanDocuments is a page of a walk over every document in id order: the
// id constraint of :Document is a range index, which both seeks past
// $after and yields the ids in order, so a page reads $limit documents
// (and those the viewer may not read) whatever the size of the graph.
const scanDocuments = `MATCH (d:Document)
WHERE d.id > $after AND ` + canReadD + `
RETURN d {.*} AS doc, d.id AS id
ORDER BY id
LIMIT $limit`

// revisionAt returns no row for a document the viewer may not read, and
// one row with a null revision when the readable document has no such
// version, or one the viewer may not read: both look the same.
const revisionAt = `MATCH (d:Document {id: $id})
WHERE ` + canReadD + `
OPTIONAL MATCH (r:Revision {documentId: d.id})
WHERE r.version = $version AND ` + canReadRev + `
RETURN r {.*} AS rev`

// ---- migrations (run by Open after the schema; each is idempotent) ----
//
// Issue #15. migrateRegions drops the region property contributors had: it
// repeated, for everyone to read, a standpoint its owner may have declared
// AGGREGATE or PRIVATE. A DECLARES relationship of that region, if any,
// keeps it with the visibility its owner chose; without one, the owner never
// chose who may see it, so it is kept nowhere (data minimisation).
// migrateRevisions gives a visibility to the revisions written before they
// recorded one, as graph.LegacyRevisionVisibility does: the document's
// current visibility unless a later revision changed it, PRIVATE otherwise
// (and for a revision whose document is gone).
const (
	migrateRegions = `MATCH (c:Contributor)
WHERE c.region IS NOT NULL
REMOVE c.region`

	migrateRevisions = `MATCH (r:Revision)
WHERE r.visibility IS NULL
OPTIONAL MATCH (d:Document {id: r.documentId})
WITH r, d, EXISTS {
  MATCH (l:Revision {documentId: r.documentId})
  WHERE l.version > r.version AND l.version > 1 AND 'visibility' IN l.changed
} AS changedSince
SET r.visibility = CASE WHEN d IS NULL OR changedSince THEN 'PRIVATE' ELSE d.visibility END`

	// migrateListed gives the documents written before listedLabels their
	// labels (and mends any that disagree): on every Open, one pass over
	// the documents that writes nothing once they agree.
	migrateListed = `MATCH (n:Document)
WHERE (n.visibility = 'PUBLIC' AND n.hidden IS NULL) <> (n:ListedNote OR n:ListedTerm OR n:ListedOrganisation)
` + listedLabels
)

// migrationStatements run in this order on every Open, after the schema.
var migrationStatements = []string{migrateRegions, migrateRevisions, migrateListed}

// documentFilters is the part of a document list's WHERE clause that
// every filter and the visibility rule make: each filter is a parameter
// that is the empty string when unused, and the ids a filter names match
// only when they exist with the right kind and are readable.
const documentFilters = documentFiltersButVisibility + `
AND ` + canReadD

// documentFiltersButVisibility is documentFilters without the
// visibility rule of the listed documents themselves.
const documentFiltersButVisibility = `d.kind IN $kinds
AND ($language = '' OR toLower(d.language) = toLower($language))
AND ($visibility = '' OR d.visibility = $visibility)
AND ($authorId = '' OR EXISTS { (d)<-[:AUTHORED]-(:Contributor {id: $authorId}) })
AND ($carnetId = '' OR EXISTS { MATCH (d)-[ic:IN_CARNET]->(:Carnet {id: $carnetId}) WHERE $category = '' OR ic.category = $category })
AND ($communityId = '' OR EXISTS { (d)-[:OF_COMMUNITY]->(:Community {id: $communityId}) })
AND ($termId = '' OR EXISTS { MATCH (d)-[:MENTIONS]->(o:Term {id: $termId}) WHERE ` + canReadO + ` })
AND ($organisationId = '' OR EXISTS { MATCH (d)-[:CONCERNS]->(o:Organisation {id: $organisationId}) WHERE ` + canReadO + ` })`

// documentFilter matches the documents of a list, keyed by $sortKey for
// the count, which reads them all anyway.
const documentFilter = `MATCH (d:Document)
WHERE ` + documentFilters + `
WITH d, d[$sortKey] AS key
`

// Lists page in the database: the sort key is one of the properties
// precomputed at write time (sortProperties), the cursor is a (key, id)
// position, and countDocuments gives the total and how many items follow
// the cursor, which is what graph.Paginate's page info is made of.
//
// A page statement names its sort property (SORTKEY, expanded once per
// property of sortProperties) rather than reading d[$sortKey]: only a
// named property lets the planner walk that property's index in order,
// from the cursor on, and stop at $limit documents that pass the filters,
// instead of filtering and sorting every document for each page. The
// first page has no key to seek from, hence a statement of its own (IS
// NOT NULL is true of every document: each has every sort key).
const (
	countDocuments = documentFilter + countDocumentsTail

	// countDocumentsPublic is countDocuments for the viewers publicD
	// describes (anonymous readers, mostly): a count reads every matching
	// document, and the general rule's subqueries made it twice as slow.
	countDocumentsPublic = `MATCH (d:Document)
WHERE ` + publicD + `
AND ` + documentFiltersButVisibility + `
WITH d, d[$sortKey] AS key
` + countDocumentsTail

	countDocumentsTail = `RETURN count(d) AS total,
count(CASE WHEN NOT $hasCursor
  OR ($desc AND (key < $afterKey OR (key = $afterKey AND d.id < $afterId)))
  OR (NOT $desc AND (key > $afterKey OR (key = $afterKey AND d.id > $afterId)))
  THEN 1 END) AS remaining`

	pageDocumentsFirstTemplate = `MATCH (d:Document)
WHERE d.SORTKEY IS NOT NULL AND ` + documentFilters + `
RETURN d {.*} AS doc, d.SORTKEY AS key, d.id AS id
ORDER BY key DIRECTION, id DIRECTION
LIMIT $limit`

	pageDocumentsAfterAscTemplate = `MATCH (d:Document)
WHERE d.SORTKEY >= $afterKey AND ` + documentFilters + `
AND (d.SORTKEY > $afterKey OR d.id > $afterId)
RETURN d {.*} AS doc, d.SORTKEY AS key, d.id AS id
ORDER BY key, id
LIMIT $limit`

	pageDocumentsAfterDescTemplate = `MATCH (d:Document)
WHERE d.SORTKEY <= $afterKey AND ` + documentFilters + `
AND (d.SORTKEY < $afterKey OR d.id < $afterId)
RETURN d {.*} AS doc, d.SORTKEY AS key, d.id AS id
ORDER BY key DESC, id DESC
LIMIT $limit`
)

// A list that no filter narrows but its kinds and a visibility (the notes
// page, mostly) is counted by countListed, which reads no document a
// viewer may read because anyone may: Neo4j's count store holds how many
// nodes carry each label, and listedLabels keeps a label on exactly those
// documents. The page info then comes from the page itself (one document
// more than asked) and, after a cursor, from existsBefore: whether any
// document of the list lies at or before the cursor.
const (
	countListed = `CALL () {
  MATCH (:Contributor {id: $viewer})-[:AUTHORED]->(d:Document)
  RETURN d
  UNION
  MATCH (:Contributor {id: $viewer})-[:MEMBER_OF]->(:Community)<-[:OF_COMMUNITY]-(d:Document)
  WHERE d.visibility = 'COMMUNITY' AND d.hidden IS NULL
  RETURN d
}
WITH d
WHERE d.kind IN $kinds AND ($visibility = '' OR d.visibility = $visibility)
  AND NOT (d:ListedNote OR d:ListedTerm OR d:ListedOrganisation)
WITH count(d) AS own
RETURN CASE WHEN $all THEN
    CASE WHEN 'Note' IN $kinds THEN COUNT { MATCH (:Note) } ELSE 0 END +
    CASE WHEN 'Term' IN $kinds THEN COUNT { MATCH (:Term) } ELSE 0 END +
    CASE WHEN 'Organisation' IN $kinds THEN COUNT { MATCH (:Organisation) } ELSE 0 END
  ELSE own + CASE WHEN $visibility IN ['', 'PUBLIC'] THEN
    CASE WHEN 'Note' IN $kinds THEN COUNT { MATCH (:ListedNote) } ELSE 0 END +
    CASE WHEN 'Term' IN $kinds THEN COUNT { MATCH (:ListedTerm) } ELSE 0 END +
    CASE WHEN 'Organisation' IN $kinds THEN COUNT { MATCH (:ListedOrganisation) } ELSE 0 END
  ELSE 0 END
END AS total`

	existsBeforeAscTemplate = `MATCH (d:Document)
WHERE d.SORTKEY <= $afterKey AND ` + documentFilters + `
AND (d.SORTKEY < $afterKey OR d.id <= $afterId)
RETURN d.id AS id
LIMIT 1`

	existsBeforeDescTemplate = `MATCH (d:Document)
WHERE d.SORTKEY >= $afterKey AND ` + documentFilters + `
AND (d.SORTKEY > $afterKey OR d.id >= $afterId)
RETURN d.id AS id
LIMIT 1`
)

// existsBeforeCypher is existsBefore per sort property and direction
// (keyed as pageDocumentsCypher, after always true).
var existsBeforeCypher = map[pageDocumentsKey]string{}

// pageDocumentsCypher is the page statement per sort property, direction
// (desc) and whether the page follows a cursor.
type pageDocumentsKey struct {
	prop        string
	desc, after bool
}

var pageDocumentsCypher = map[pageDocumentsKey]string{}

// documentFilterParams are those of documentFilters; documentListParams
// add the cursor, for the count.
var (
	documentFilterParams = append([]string{"kinds", "language", "visibility", "authorId", "carnetId", "category",
		"communityId", "termId", "organisationId"}, viewerParams...)
	documentListParams = append([]string{"sortKey", "hasCursor", "afterKey", "afterId"}, documentFilterParams...)
)

// ---- curation (curators only: no visibility rule, they read everything) ----

// needsCare is the WHERE clause of a health check ($check is a
// graph.HealthCheck) over the documents of $kinds, keyed by creation like
// the CREATED_AT document list, so both stores page alike. An orphan has
// no relationship of graph.DocumentRelations.
const needsCare = `MATCH (d:Document)
WHERE d.kind IN $kinds
AND ($check <> 'ORPHAN' OR NOT EXISTS { (d)-[:LINKS_TO|MENTIONS|CONCERNS|BROADER|RELATED]-(:Document) })
AND ($check <> 'NOTE_WITHOUT_CARNET' OR NOT EXISTS { (d)-[:IN_CARNET]->(:Carnet) })
AND ($check <> 'TERM_WITHOUT_DEFINITION' OR trim(coalesce(d.definition, '')) = '')
WITH d, d.sortCreated AS key
`

const (
	countNeedsCare = needsCare + `RETURN count(d) AS total,
count(CASE WHEN NOT $hasCursor OR key > $afterKey OR (key = $afterKey AND d.id > $afterId) THEN 1 END) AS remaining`

	pageNeedsCare = needsCare + `WHERE NOT $hasCursor OR key > $afterKey OR (key = $afterKey AND d.id > $afterId)
RETURN d {.*} AS doc, key, d.id AS id
ORDER BY key, id
LIMIT $limit`

	documentTitles = `MATCH (d:Document)
WHERE d.kind IN $kinds
RETURN d.id AS id, d.kind AS kind, d.title AS title, d.aliases AS aliases`
)

// ---- moderation ----

// Flags are (:Flag) nodes naming their document by id, like revisions; a
// hidden document carries hidden = true (absent otherwise).
const (
	createFlag = `CREATE (f:Flag) SET f = $props`

	updateFlag = `MATCH (f:Flag {id: $id})
SET f += $props`

	flagByID = `MATCH (f:Flag {id: $id})
RETURN f {.*} AS flag`

	// flagsOf lists one document's flags, or every flag when $documentId
	// is empty; the queue is short and paged in Go.
	flagsOf = `MATCH (f:Flag)
WHERE ($documentId = '' OR f.documentId = $documentId)
AND ($status = '' OR f.status = $status)
RETURN f {.*} AS flag`

	setHidden = `MATCH (n:Document {id: $id})
SET n.hidden = CASE WHEN $hidden THEN true ELSE null END
` + listedLabels

	deleteFlagsOf = `MATCH (f:Flag {documentId: $id})
DELETE f`
)

// ---- discussions ----

const (
	createComment = `CREATE (c:Comment) SET c = $props`

	// updateComment follows the checks of its writer, which hold the
	// sequence lock: no other write comes between.
	updateComment = `MATCH (c:Comment {id: $id})
SET c = $props`

	setCommentHidden = `MATCH (c:Comment {id: $id})
SET c.hidden = $hidden`

	commentByID = `MATCH (c:Comment {id: $id})
RETURN c {.*} AS comment`

	// commentsOf reads a whole discussion, threaded and paged in Go.
	commentsOf = `MATCH (c:Comment {documentId: $documentId})
RETURN c {.*} AS comment`

	deleteComment = `MATCH (c:Comment {id: $id})
DELETE c`

	createCommentRevision = `CREATE (r:CommentRevision) SET r = $props`

	commentRevisions = `MATCH (r:CommentRevision {commentId: $id})
RETURN r {.*} AS revision`

	deleteCommentRevisions = `MATCH (r:CommentRevision {commentId: $id})
DELETE r`

	// deleteCommentsOf drops a deleted document's discussion.
	deleteCommentsOf = `MATCH (c:Comment {documentId: $id})
DELETE c
WITH count(*) AS done
MATCH (r:CommentRevision {documentId: $id})
DELETE r`
)

// ---- links ----

// linkColumns describes a relationship r the same way everywhere.
const linkColumns = `type(r) AS rel, startNode(r).id AS from, endNode(r).id AS to,
startNode(r).kind AS fromKind, endNode(r).kind AS toKind,
r.role AS role, r.category AS category, r.position AS position, r.createdAt AS createdAt`

// linkDirection keeps r when it leaves n ($dir OUT or BOTH) or enters it
// ($dir IN or BOTH).
const linkDirection = `(($dir <> 'IN' AND startNode(r) = n) OR ($dir <> 'OUT' AND endNode(r) = n))`

const (
	// rawLinks is every link of one node, readable or not: deletion
	// cascades and carnet checks must see them all. $rels is the allow-list
	// graph.Relations, so that bookkeeping relationships (DECLARES) are
	// never taken for links.
	rawLinks = `MATCH (n:Node {id: $id})-[r]-(:Node)
WHERE type(r) IN $rels AND ` + linkDirection + `
RETURN ` + linkColumns

	// visibleLinks is the links of readable nodes whose other end is
	// readable too: a hidden document takes its links with it. Each
	// selection of $sel ({id, rels, dir}: graph.LinkSelection) is one list,
	// numbered by its index, so that one statement serves every list a
	// GraphQL level asks for, whatever their relations and directions.
	visibleLinks = `UNWIND range(0, size($sel) - 1) AS i
WITH i, $sel[i] AS q
MATCH (n:Node {id: q.id})
WHERE NOT n:Document OR ` + canReadN + `
MATCH (n)-[r]-(o:Node)
WHERE type(r) IN q.rels AND ((q.dir <> 'IN' AND startNode(r) = n) OR (q.dir <> 'OUT' AND endNode(r) = n))
  AND (NOT o:Document OR ` + canReadO + `)
RETURN i, ` + linkColumns

	getLink = `MATCH (:Node {id: $from})-[r]->(:Node {id: $to})
WHERE type(r) = $rel
RETURN ` + linkColumns

	deleteLink = `MATCH (:Node {id: $from})-[r]->(:Node {id: $to})
WHERE type(r) = $rel
DELETE r
RETURN count(*) AS deleted`

	// carnetLastPosition is where a new carnet entry goes: after the last.
	carnetLastPosition = `MATCH (:Carnet {id: $id})<-[r:IN_CARNET]-()
RETURN coalesce(max(r.position), 0) AS position`

	// carnetLastPositions is carnetLastPosition for many carnets (batches).
	carnetLastPositions = `UNWIND $ids AS id
OPTIONAL MATCH (:Carnet {id: id})<-[r:IN_CARNET]-()
RETURN id, coalesce(max(r.position), 0) AS position`

	carnetUsedCategories = `MATCH (:Carnet {id: $id})<-[r:IN_CARNET]-()
WHERE r.category IS NOT NULL AND r.category <> ''
RETURN DISTINCT r.category AS category`

	// mergeLinkTemplate and bulkMergeLinksTemplate are expanded once per
	// relation (REL becomes e.g. "LINKS_TO"): one relationship per
	// (from, relation, to), whose properties the store computed.
	mergeLinkTemplate = `MATCH (a:Node {id: $from})
MATCH (b:Node {id: $to})
MERGE (a)-[r:REL]->(b)
SET r = $props`
	bulkMergeLinksTemplate = `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
MERGE (a)-[r:REL]->(b)
SET r = row.props`
)

// ---- standpoint declarations ----

// A declaration is a DECLARES relationship from a contributor to a
// :StandpointValue node (one per dimension:value), carrying the visibility
// its owner chose. Value nodes exist only while someone declares them, so
// that a withdrawn value leaves no trace.
const (
	getDeclaration = `MATCH (:Contributor {id: $contributorId})-[r:DECLARES]->(:StandpointValue {id: $valueId})
RETURN r.visibility AS visibility, r.declaredAt AS declaredAt`

	putDeclaration = `MATCH (c:Contributor {id: $contributorId})
MERGE (v:StandpointValue {id: $valueId})
ON CREATE SET v.dimension = $dimension, v.value = $value
MERGE (c)-[r:DECLARES]->(v)
SET r.visibility = $visibility, r.declaredAt = $declaredAt`

	bulkPutDeclarations = `UNWIND $rows AS row
MATCH (c:Contributor {id: row.contributorId})
MERGE (v:StandpointValue {id: row.valueId})
ON CREATE SET v.dimension = row.dimension, v.value = row.value
MERGE (c)-[r:DECLARES]->(v)
SET r.visibility = row.visibility, r.declaredAt = row.declaredAt`

	deleteDeclaration = `MATCH (:Contributor {id: $contributorId})-[r:DECLARES]->(v:StandpointValue {id: $valueId})
DELETE r
WITH DISTINCT v
WHERE NOT EXISTS { (v)<-[:DECLARES]-() }
DELETE v`

	// deleteUndeclaredValues runs after a contributor is deleted.
	deleteUndeclaredValues = `MATCH (v:StandpointValue)
WHERE NOT EXISTS { (v)<-[:DECLARES]-() }
DELETE v`

	// declarations returns, per contributor, what the viewer may see per
	// person: everything for the owner ($viewer) and the process itself
	// ($system), PUBLIC values only for everyone else — admins included.
	declarations = `UNWIND $ids AS id
MATCH (:Contributor {id: id})-[r:DECLARES]->(v:StandpointValue)
WHERE $system OR id = $viewer OR r.visibility = 'PUBLIC'
RETURN id, v.dimension AS dimension, v.value AS value, r.visibility AS visibility, r.declaredAt AS declaredAt
ORDER BY id, dimension, value`
)

// ---- research: standpoint coverage and the contributor network ----

// A scope is the documents a statistic covers, among those the viewer may
// read: the ids a search matched (each found through the id constraint) or
// every document. Each statement below is its scope's prefix and a tail,
// registered once per scope (…IDs, …All).
const (
	scopeIDs = `UNWIND $ids AS id
MATCH (d:Document {id: id})
WHERE ` + canReadD + `
WITH DISTINCT d
`
	scopeAll = `MATCH (d:Document)
WHERE ` + canReadD + `
WITH d
`

	// coverageTotals counts the documents and their distinct authors.
	coverageTotals = `OPTIONAL MATCH (c:Contributor)-[:AUTHORED]->(d)
RETURN count(DISTINCT d) AS documents, count(DISTINCT c) AS contributors`

	// takingPart is who takes part in document d for coverage, as c: its
	// authors, and the authors of its comments (neither deleted nor
	// hidden) who declare some value PUBLIC or AGGREGATE
	// (graph.CommenterTakesPart, graph.CommentTakesPart).
	takingPart = `CALL (d) {
  MATCH (c:Contributor)-[:AUTHORED]->(d)
  RETURN c
  UNION
  MATCH (k:Comment {documentId: d.id})
  WHERE NOT k.deleted AND NOT k.hidden
  MATCH (c:Contributor {id: k.authorId})
  WHERE EXISTS { MATCH (c)-[dv:DECLARES]->(:StandpointValue) WHERE dv.visibility IN ['PUBLIC', 'AGGREGATE'] }
  RETURN c
}
`

	// coverage reads what the standpoint coverage is counted from, in one
	// pass over the scope (often tens of thousands of ids a search
	// matched): the number of documents; and once per distinct person
	// taking part in them (takingPart: authors, and commenters as their
	// consent allows), the positions of their documents in the scope and
	// their PUBLIC and AGGREGATE declarations (PRIVATE ones are never
	// matched). The store counts them with graph.CoverageTally, as the
	// embedded store does, and releases the counts before they leave it.
	// Grouping by person expands each one's declarations once, not once
	// per document, and makes no second or third pass over the scope.
	coverage = `WITH collect(d) AS docs
CALL (docs) {
  UNWIND range(0, size(docs) - 1) AS i
  WITH i, docs[i] AS d
  ` + takingPart + `  WITH c, collect(i) AS documents
  RETURN collect({id: c.id, documents: documents,
    declarations: [(c)-[r:DECLARES]->(v:StandpointValue) WHERE r.visibility IN ['PUBLIC', 'AGGREGATE'] |
      {dimension: v.dimension, value: v.value, visibility: r.visibility}]}) AS contributors
}
RETURN size(docs) AS documents, contributors`

	// networkContributors is each author and how many documents they wrote.
	networkContributors = `MATCH (c:Contributor)-[:AUTHORED]->(d)
RETURN c.id AS id, count(DISTINCT d) AS documents`

	// networkPairs is each pair of co-authors, once (a < b), weighted.
	networkPairs = `MATCH (a:Contributor)-[:AUTHORED]->(d)<-[:AUTHORED]-(b:Contributor)
WHERE a.id < b.id
RETURN a.id AS a, b.id AS b, count(DISTINCT d) AS documents`
)

// researchStatements expands each research statement for both scopes.
var researchStatements = map[string]string{
	"coverageTotals":      coverageTotals,
	"coverage":            coverage,
	"networkContributors": networkContributors,
	"networkPairs":        networkPairs,
}

// inScope is a research statement's text for one scope.
func inScope(tail string, all bool) string {
	if all {
		return scopeAll + tail
	}
	return scopeIDs + tail
}

// ---- health and tests ----

const (
	ping = `RETURN 1 AS ok`

	// clearDatabase deletes up to $limit nodes with their relationships,
	// for a loop of small transactions that empties the database between
	// tests (only ClearForTests runs it): deleting a large
	// graph in one transaction runs the server out of heap.
	clearDatabase = `MATCH (n)
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted`

	// legacyRegionForTests and legacyRevisionsForTests put back what a
	// graph held before issue #15 (a profile region, revisions without a
	// visibility), for the migration test only.
	legacyRegionForTests = `MATCH (c:Contributor {id: $id})
SET c.region = $region`
	legacyRevisionsForTests = `MATCH (r:Revision)
REMOVE r.visibility`
)

// ---- the registry ----

// Statements lists every statement the store may run, templates
// expanded, for the lint (see lint_test.go). The schema statements and
// the per-kind and per-relation expansions are in it too.
var Statements []Statement

// Per-kind and per-relation expansions of the templates.
var (
	createNodeCypher      = map[graph.Kind]string{}
	bulkCreateNodesCypher = map[graph.Kind]string{}
	mergeLinkCypher       = map[graph.Relation]string{}
	bulkMergeLinksCypher  = map[graph.Relation]string{}
	// restoreCreateLinksCypher: restoreCreateLinksTemplate per relation.
	restoreCreateLinksCypher = map[graph.Relation]string{}
)

// byCypher finds a statement's declared parameters at run time.
var byCypher = map[string]*Statement{}

// identifier is what the labels or relationship type spliced into a
// template must look like; graph.Kinds and graph.Relations always do.
var identifier = regexp.MustCompile(`^[A-Za-z][A-Za-z_]*(:[A-Za-z][A-Za-z_]*)*$`)

// labelsOf is the labels a node of kind k carries besides :Node.
func labelsOf(k graph.Kind) string {
	if k.IsDocument() {
		return "Document:" + string(k)
	}
	return string(k)
}

// expand splices an allow-listed identifier into a template.
func expand(template, placeholder, ident string) string {
	if !identifier.MatchString(ident) {
		panic(fmt.Sprintf("neo4j: %q is not a safe Cypher identifier", ident))
	}
	return strings.ReplaceAll(template, placeholder, ident)
}

func register(name, cypher string, params ...string) {
	st := Statement{Name: name, Cypher: cypher, Params: params}
	Statements = append(Statements, st)
	// Its own copy: a pointer into Statements would go stale when a later
	// register (in another init block) grows the slice.
	byCypher[cypher] = &st
}

func init() {
	for i, c := range schemaStatements {
		register(fmt.Sprintf("schema%02d", i+1), c)
	}
	register("awaitIndexes", awaitIndexes, "timeoutSeconds")
	register("migrateRegions", migrateRegions)
	register("migrateRevisions", migrateRevisions)
	register("migrateListed", migrateListed)

	register("lockSequence", lockSequence, "sequence")
	register("appendChanges", appendChanges, "sequence", "changes", "at")
	register("unlockSequence", unlockSequence, "sequence")
	register("lastSeq", lastSeq, "sequence")
	register("changesSince", changesSince, "since", "limit")

	register("nodeKinds", nodeKinds, "ids")
	register("visibleKinds", visibleKinds, append([]string{"ids"}, viewerParams...)...)
	register("nodesOfKind", nodesOfKind, "ids", "kind")
	register("allOfKind", allOfKind, "kind")
	register("updateNode", updateNode, "id", "kind", "version", "props")
	register("deleteNode", deleteNode, "id", "kind", "version")
	register("deleteRevisions", deleteRevisions, "id")
	for _, k := range graph.Kinds {
		createNodeCypher[k] = expand(createNodeTemplate, "LABELS", labelsOf(k))
		register("createNode"+string(k), createNodeCypher[k], "props")
		bulkCreateNodesCypher[k] = expand(bulkCreateNodesTemplate, "LABELS", labelsOf(k))
		register("bulkCreateNodes"+string(k), bulkCreateNodesCypher[k], "rows")
	}

	register("documentsByID", documentsByID, append([]string{"ids"}, viewerParams...)...)
	register("documentForWrite", documentForWrite, append([]string{"id"}, viewerParams...)...)
	register("authorsOf", authorsOf, "id")
	register("createRevision", createRevision, "props")
	register("bulkCreateRevisions", bulkCreateRevisions, "rows")
	register("revisions", revisions, append([]string{"id"}, viewerParams...)...)
	register("revisionAt", revisionAt, append([]string{"id", "version"}, viewerParams...)...)
	register("scanDocuments", scanDocuments, append([]string{"after", "limit"}, viewerParams...)...)
	register("countDocuments", countDocuments, append([]string{"desc"}, documentListParams...)...)
	register("countDocumentsPublic", countDocumentsPublic, append([]string{"desc"}, documentListParams...)...)
	for _, prop := range slices.Sorted(maps.Values(sortProperties)) {
		pageParams := append([]string{"limit"}, documentFilterParams...)
		afterParams := append([]string{"afterKey", "afterId"}, pageParams...)
		for _, desc := range []bool{false, true} {
			dir, name := "ASC", "Asc"
			after := pageDocumentsAfterAscTemplate
			if desc {
				dir, name, after = "DESC", "Desc", pageDocumentsAfterDescTemplate
			}
			first := strings.ReplaceAll(expand(pageDocumentsFirstTemplate, "SORTKEY", prop), "DIRECTION", dir)
			pageDocumentsCypher[pageDocumentsKey{prop, desc, false}] = first
			register("pageDocumentsFirst"+name+"_"+prop, first, pageParams...)
			after = expand(after, "SORTKEY", prop)
			pageDocumentsCypher[pageDocumentsKey{prop, desc, true}] = after
			register("pageDocumentsAfter"+name+"_"+prop, after, afterParams...)
			before := existsBeforeAscTemplate
			if desc {
				before = existsBeforeDescTemplate
			}
			before = expand(before, "SORTKEY", prop)
			existsBeforeCypher[pageDocumentsKey{prop, desc, true}] = before
			register("existsBefore"+name+"_"+prop, before, append([]string{"afterKey", "afterId"}, documentFilterParams...)...)
		}
	}
	register("countListed", countListed, "kinds", "visibility", "all", "viewer")

	careParams := []string{"kinds", "check", "hasCursor", "afterKey", "afterId"}
	register("countNeedsCare", countNeedsCare, careParams...)
	register("pageNeedsCare", pageNeedsCare, append([]string{"limit"}, careParams...)...)
	register("documentTitles", documentTitles, "kinds")

	register("createFlag", createFlag, "props")
	register("updateFlag", updateFlag, "id", "props")
	register("flagByID", flagByID, "id")
	register("flagsOf", flagsOf, "documentId", "status")
	register("setHidden", setHidden, "id", "hidden")
	register("deleteFlagsOf", deleteFlagsOf, "id")

	register("createComment", createComment, "props")
	register("updateComment", updateComment, "id", "props")
	register("setCommentHidden", setCommentHidden, "id", "hidden")
	register("commentByID", commentByID, "id")
	register("commentsOf", commentsOf, "documentId")
	register("deleteComment", deleteComment, "id")
	register("createCommentRevision", createCommentRevision, "props")
	register("commentRevisions", commentRevisions, "id")
	register("deleteCommentRevisions", deleteCommentRevisions, "id")
	register("deleteCommentsOf", deleteCommentsOf, "id")

	register("rawLinks", rawLinks, "id", "rels", "dir")
	register("visibleLinks", visibleLinks, append([]string{"sel"}, viewerParams...)...)
	register("neighbourhood", neighbourhood, append([]string{"id", "kind", "rels", "depth", "first", "limit"}, viewerParams...)...)
	register("adjacency", adjacency, append([]string{"ids", "rels", "dir", "limit", "among", "degrees", "stored"}, viewerParams...)...)
	register("getLink", getLink, "from", "to", "rel")
	register("carnetEntries", carnetEntries, append([]string{"ids"}, viewerParams...)...)
	register("deleteLink", deleteLink, "from", "to", "rel")
	register("carnetLastPosition", carnetLastPosition, "id")
	register("carnetLastPositions", carnetLastPositions, "ids")
	register("carnetUsedCategories", carnetUsedCategories, "id")
	for _, rel := range graph.Relations {
		mergeLinkCypher[rel] = expand(mergeLinkTemplate, "REL", string(rel))
		register("mergeLink"+string(rel), mergeLinkCypher[rel], "from", "to", "props")
		bulkMergeLinksCypher[rel] = expand(bulkMergeLinksTemplate, "REL", string(rel))
		register("bulkMergeLinks"+string(rel), bulkMergeLinksCypher[rel], "rows")
	}

	register("getDeclaration", getDeclaration, "contributorId", "valueId")
	register("putDeclaration", putDeclaration, "contributorId", "valueId", "dimension", "value", "visibility", "declaredAt")
	register("bulkPutDeclarations", bulkPutDeclarations, "rows")
	register("deleteDeclaration", deleteDeclaration, "contributorId", "valueId")
	register("deleteUndeclaredValues", deleteUndeclaredValues)
	register("declarations", declarations, "ids", "system", "viewer")

	for _, name := range slices.Sorted(maps.Keys(researchStatements)) {
		tail := researchStatements[name]
		register(name+"IDs", inScope(tail, false), append([]string{"ids"}, viewerParams...)...)
		register(name+"All", inScope(tail, true), viewerParams...)
	}

	register("ping", ping)
	register("clearDatabase", clearDatabase, "limit")
	register("legacyRegionForTests", legacyRegionForTests, "id", "region")
	register("legacyRevisionsForTests", legacyRevisionsForTests)
}

// ==== restore (graph.Restorer, restore.go) ====
//
// A restore writes with the bulk statements above (bulkCreateNodes…,
// bulkCreateRevisions) and its own for links and declarations, which
// create rather than merge, in batches of transactions, between a marker
// set when it starts on an empty store and removed when it ends. The
// marker is a :Sequence node of its own name whose value is the change
// sequence the restore started from; the statements below set and read
// it, write flags, and clear what an unfinished restore wrote.
//
// The marker also names the restore that holds it (owner, host, pid) and
// its last sign of life (heartbeat, on the server's clock, so the clocks
// of two importing machines need not agree): a marker whose heartbeat is
// recent belongs to a running restore, which another one must not clear.
const (
	// restoreMarker reads the marker, with how long its holder has been
	// silent (null for a marker of a version without heartbeats).
	restoreMarker = `OPTIONAL MATCH (m:Sequence {name: $marker})
RETURN m.value AS value, m.owner AS owner, m.host AS host, m.pid AS pid, m.startedAt AS startedAt,
  CASE WHEN m.heartbeat IS NULL THEN null
    ELSE duration.inSeconds(m.heartbeat, datetime.realtime()).seconds END AS silentSeconds`

	// restoreSetMarker takes the marker for a restore: a new one, or the
	// one a restore whose process is gone left.
	restoreSetMarker = `MERGE (m:Sequence {name: $marker})
SET m.value = $value, m.owner = $owner, m.host = $host, m.pid = $pid, m.startedAt = $startedAt,
  m.heartbeat = datetime.realtime()`

	// restoreTouchMarker is a restore's sign of life; held is 0 when the
	// marker is no longer its own.
	restoreTouchMarker = `OPTIONAL MATCH (m:Sequence {name: $marker})
WHERE m.owner = $owner
SET m.heartbeat = datetime.realtime()
RETURN count(m) AS held`

	// restoreDeleteMarker releases the marker, if it is still the
	// restore's own.
	restoreDeleteMarker = `MATCH (m:Sequence {name: $marker})
WHERE m.owner = $owner
DELETE m
RETURN count(*) AS released`

	// restoreAnyNode is the emptiness check: one node of the graph, if any.
	// A standing-alone media is no :Node, but a store holding one is not
	// empty.
	restoreAnyNode = `CALL () {
  MATCH (n:Node)
  RETURN n.id AS id
  LIMIT 1
  UNION
  MATCH (m:Media)
  RETURN m.id AS id
  LIMIT 1
}
RETURN id
LIMIT 1`

	restoreFlags = `UNWIND $rows AS row
CREATE (f:Flag)
SET f = row`

	// restoreCreateLinksTemplate is bulkMergeLinksTemplate for a restore,
	// expanded once per relation (REL): the marker guarantees a graph that
	// was empty and the dump holds each link once (the reader and
	// graph.PrepareSnapshot refuse one given twice), so a link is created
	// without MERGE's look for an existing one between its ends.
	restoreCreateLinksTemplate = `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
CREATE (a)-[r:REL]->(b)
SET r = row.props`

	// restoreDeclarations is bulkPutDeclarations for a restore: the value
	// node is shared by everyone who declares it (MERGE), the declaration
	// itself is new, given once by the dump.
	restoreDeclarations = `UNWIND $rows AS row
MATCH (c:Contributor {id: row.contributorId})
MERGE (v:StandpointValue {id: row.valueId})
ON CREATE SET v.dimension = row.dimension, v.value = row.value
CREATE (c)-[:DECLARES {visibility: row.visibility, declaredAt: row.declaredAt}]->(v)`

	// restoreClearNodes deletes up to $limit of what a restore writes
	// (the graph's nodes and relationships, revisions, flags, standpoint
	// values, discussions, media records), for a loop of small transactions. Tokens stay.
	restoreClearNodes = `MATCH (n)
WHERE n:Node OR n:Revision OR n:Flag OR n:StandpointValue OR n:Comment OR n:CommentRevision OR n:Media
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted`

	restoreClearChanges = `MATCH (c:Change)
WHERE c.seq > $since
WITH c
LIMIT $limit
DELETE c
RETURN count(*) AS deleted`

	// restoreResetSequence puts the sequence back where the restore
	// found it, inside a write that holds its lock.
	restoreResetSequence = `MATCH (s:Sequence {name: $sequence})
SET s.value = $value`
)

func init() {
	register("restoreMarker", restoreMarker, "marker")
	register("restoreSetMarker", restoreSetMarker, "marker", "value", "owner", "host", "pid", "startedAt")
	register("restoreTouchMarker", restoreTouchMarker, "marker", "owner")
	register("restoreDeleteMarker", restoreDeleteMarker, "marker", "owner")
	register("restoreAnyNode", restoreAnyNode)
	register("restoreFlags", restoreFlags, "rows")
	for _, rel := range graph.Relations {
		restoreCreateLinksCypher[rel] = expand(restoreCreateLinksTemplate, "REL", string(rel))
		register("restoreCreateLinks"+string(rel), restoreCreateLinksCypher[rel], "rows")
	}
	register("restoreDeclarations", restoreDeclarations, "rows")
	register("restoreClearNodes", restoreClearNodes, "limit")
	register("restoreClearChanges", restoreClearChanges, "since", "limit")
	register("restoreResetSequence", restoreResetSequence, "sequence", "value")
}

// ---- adjacency (graph walks: explore) ----

// adjacency is visibleLinks for graph walks (graph.LinkStore.Adjacency):
// per readable node, its visible degree when $degrees, and at most $limit
// of its visible links (to the ids of $among only, unless it is null) in
// adjacency order: OUT before IN, then by relationship type, then by the
// other end's id. Each link is a list, in the order of linkColumns, with
// no carnet position unless $stored (graph.Adjacent).
const adjacency = `UNWIND $ids AS id
MATCH (n:Node {id: id})
WHERE NOT n:Document OR ` + canReadN + `
WITH id, n,
CASE WHEN $degrees THEN COUNT {
  MATCH (n)-[r]-(o:Node)
  WHERE type(r) IN $rels AND ` + linkDirection + ` AND (NOT o:Document OR ` + canReadO + `)
} ELSE 0 END AS degree,
COLLECT {
  MATCH (n)-[r]-(o:Node)
  WHERE $limit > 0 AND type(r) IN $rels AND ` + linkDirection + `
    AND ($among IS NULL OR o.id IN $among) AND (NOT o:Document OR ` + canReadO + `)
  WITH r, o, CASE WHEN startNode(r) = n THEN 0 ELSE 1 END AS inward
  ORDER BY inward, type(r), o.id
  LIMIT $limit
  RETURN [type(r), startNode(r).id, endNode(r).id, startNode(r).kind, endNode(r).kind,
    r.role, r.category, CASE WHEN $stored THEN r.position END, r.createdAt]
} AS links
WHERE degree > 0 OR size(links) > 0
RETURN id, degree, links`

// neighbourhood is explore.Neighbourhood's whole walk in one statement
// (explore.NeighbourhoodWalker): the root if the viewer may read it and
// it has the kind asked; then, up to $depth levels, each node of the
// frontier in turn contributes its visible links' other ends in adjacency
// order (the first $limit of them, as the adjacency statement gives them),
// and the ends not yet kept are kept until $first nodes (one more sets
// truncated and stops the walk); last, per node kept, its visible degree
// and its visible links among the nodes kept, from one pass over its
// links (unordered: WalkNeighbourhood puts them in adjacency order, by
// the direction, relation and other end the statement returns with each
// link). Visibility is decided here,
// by the same rule as every read: a hidden document is neither an end nor
// crossed nor counted. full says that a node gave $limit ends before the
// cap: the walk level by level would then read it whole, so the store
// answers "cannot tell" rather than something else.
const neighbourhood = `MATCH (n:Node {id: $id})
WHERE n.kind = $kind AND (NOT n:Document OR ` + canReadN + `)
WITH [n] AS kept, [n.id] AS keptIds, [n] AS frontier, false AS truncated, false AS full, 0 AS level
` + neighbourhoodLevel + neighbourhoodLevel + neighbourhoodLevel + `CALL (kept, keptIds) {
  UNWIND range(0, size(kept) - 1) AS k
  WITH k, kept[k] AS n
  CALL (n, kept) {
    MATCH (n)-[r]-(o:Node)
    WHERE type(r) IN $rels AND (NOT o:Document OR ` + canReadO + `)
    RETURN count(r) AS degree, collect(CASE WHEN o IN kept THEN
      [CASE WHEN startNode(r) = n THEN 0 ELSE 1 END, type(r), o.id, startNode(r).id, endNode(r).id, startNode(r).kind, endNode(r).kind]
    END) AS links
  }
  WITH k, degree, links
  ORDER BY k
  RETURN collect(degree) AS degrees, collect(links) AS links
}
RETURN keptIds AS ids, [x IN kept | x.kind] AS kinds, truncated, full, degrees, links`

// neighbourhoodLevel is one level of neighbourhood, a no-op once $depth
// levels are made or the walk is truncated or full. Within the level, the
// ends of each frontier node are taken in turn, as the walk level by
// level adds them.
const neighbourhoodLevel = `CALL (frontier, truncated, full, level) {
  UNWIND CASE WHEN truncated OR full OR level >= $depth THEN [] ELSE range(0, size(frontier) - 1) END AS f
  WITH f, frontier[f] AS n
  WITH f, COLLECT {
    MATCH (n)-[r]-(o:Node)
    WHERE type(r) IN $rels AND (NOT o:Document OR ` + canReadO + `)
    WITH o, CASE WHEN startNode(r) = n THEN 0 ELSE 1 END AS inward, type(r) AS rel
    ORDER BY inward, rel, o.id
    LIMIT $limit
    RETURN o
  } AS ends
  ORDER BY f
  RETURN collect(ends) AS ends
}
WITH level, reduce(acc = {kept: kept, ids: keptIds, next: [], truncated: truncated, full: full}, e IN ends |
  CASE WHEN acc.truncated OR acc.full THEN acc
  ELSE [b IN [reduce(b = acc, o IN e |
      CASE WHEN b.truncated OR o.id IN b.ids THEN b
      WHEN size(b.ids) >= $first THEN b{.*, truncated: true}
      ELSE b{.*, kept: b.kept + [o], ids: b.ids + [o.id], next: b.next + [o]} END)] |
    CASE WHEN b.truncated OR size(e) < $limit THEN b ELSE b{.*, full: true} END][0]
  END) AS acc
WITH acc.kept AS kept, acc.ids AS keptIds, acc.next AS frontier, acc.truncated AS truncated, acc.full AS full,
  CASE WHEN level >= $depth THEN level ELSE level + 1 END AS level
`

// ==== tokens (graph.TokenStore, tokens.go) ====
//
// A :Token holds the hash of its secret, never the secret. Its public id
// is the first graph.TokenIDLen characters of the hash, computed here,
// never stored, so that tokens written before ids existed have one; the
// hash's uniqueness constraint is a range index, which serves STARTS WITH.
const (
	createToken = `CREATE (t:Token) SET t = $props`

	tokenByHash = `MATCH (t:Token {hash: $hash})
RETURN t.role AS role, t.contributorId AS contributorId, t.createdAt AS createdAt,
  t.expiresAt AS expiresAt, t.label AS label`

	// tokenHashesFrom finds the hashes that start with an id, to refuse a
	// new token whose id another has.
	tokenHashesFrom = `MATCH (t:Token)
WHERE t.hash STARTS WITH $id
RETURN t.hash AS hash`

	// listTokens reads every token without its hash: tokens are few, and
	// the store pages them as the embedded one does.
	listTokens = `MATCH (t:Token)
RETURN substring(t.hash, 0, $idLen) AS id, t.role AS role, t.contributorId AS contributorId,
  t.createdAt AS createdAt, t.expiresAt AS expiresAt, t.label AS label`

	// revokeToken deletes the token of a whole id ($idLen characters, so
	// STARTS WITH matches that id only) and returns what it was.
	revokeToken = `MATCH (t:Token)
WHERE t.hash STARTS WITH $id AND size(t.hash) >= $idLen
WITH t, t.role AS role, t.contributorId AS contributorId, t.createdAt AS createdAt,
  t.expiresAt AS expiresAt, t.label AS label
DELETE t
RETURN role, contributorId, createdAt, expiresAt, label`

	deleteTokensOf = `MATCH (t:Token {contributorId: $contributorId})
DELETE t`
)

func init() {
	register("createToken", createToken, "props")
	register("tokenByHash", tokenByHash, "hash")
	register("tokenHashesFrom", tokenHashesFrom, "id")
	register("listTokens", listTokens, "idLen")
	register("revokeToken", revokeToken, "id", "idLen")
	register("deleteTokensOf", deleteTokensOf, "contributorId")
}

// ---- media (graph.MediaStore) ----

// A media record is a :Media node, outside :Node (it is no node of the
// graph: no links, no kind, not in counts). An attached one names its
// document by documentId and is readable exactly when that document is
// (canReadD); deleting the document deletes its media in the same
// transaction. A standing-alone one (no documentId) is PUBLIC or PRIVATE
// to its uploader, which is graph.Viewer.CanRead of Media.StandaloneAccess.
const (
	constraintMedia    = `CREATE CONSTRAINT maillage_media_id IF NOT EXISTS FOR (m:Media) REQUIRE m.id IS UNIQUE`
	indexMediaDocument = `CREATE INDEX maillage_media_document IF NOT EXISTS FOR (m:Media) ON (m.documentId)`

	createMedia = `CREATE (m:Media) SET m = $props`

	mediaIDTaken = `RETURN EXISTS { (:Media {id: $id}) } OR EXISTS { (:Node {id: $id}) } AS taken`

	// mediaByID returns the media with the authors of its document (for
	// the delete check), or no row when the viewer may not read it.
	mediaByID = `MATCH (m:Media {id: $id})
OPTIONAL MATCH (d:Document {id: m.documentId})
WITH m, d
WHERE (m.documentId IS NULL AND ($all OR m.visibility = 'PUBLIC' OR ($viewer <> '' AND m.uploaderId = $viewer)))
   OR (m.documentId IS NOT NULL AND d IS NOT NULL AND ` + canReadD + `)
RETURN m {.*} AS media, CASE WHEN d IS NULL THEN [] ELSE [(c:Contributor)-[:AUTHORED]->(d) | c.id] END AS authors`

	// mediaOfDocuments is the media attached to each readable document.
	mediaOfDocuments = `UNWIND $ids AS id
MATCH (d:Document {id: id})
WHERE ` + canReadD + `
MATCH (m:Media {documentId: id})
RETURN id, m {.*} AS media`

	deleteMedia = `MATCH (m:Media {id: $id})
DELETE m`

	deleteMediaOf = `MATCH (m:Media {documentId: $id})
DELETE m`

	// scanMedia is one page of the media the viewer may read, in id
	// order (graph.MediaStore.ScanMedia), with mediaByID's rule.
	scanMedia = `MATCH (m:Media)
WHERE m.id > $after
OPTIONAL MATCH (d:Document {id: m.documentId})
WITH m, d
WHERE (m.documentId IS NULL AND ($all OR m.visibility = 'PUBLIC' OR ($viewer <> '' AND m.uploaderId = $viewer)))
   OR (m.documentId IS NOT NULL AND d IS NOT NULL AND ` + canReadD + `)
RETURN m {.*} AS media
ORDER BY m.id
LIMIT $limit`

	// discussionsOf is the whole discussion of each readable document
	// (graph.DiscussionStore.Discussions): every comment, with its
	// revisions; who may read a hidden comment is decided in Go
	// (graph.Viewer.CanReadComment), as for a thread.
	discussionsOf = `UNWIND $ids AS id
MATCH (d:Document {id: id})
WHERE ` + canReadD + `
MATCH (c:Comment {documentId: id})
RETURN id, c {.*} AS comment,
COLLECT { MATCH (r:CommentRevision {commentId: c.id}) RETURN r {.*} } AS revisions`

	// restoreMedia, restoreComments and restoreCommentRevisions write a
	// restore's rows as the create statements would, checked before.
	restoreMedia = `UNWIND $rows AS row
CREATE (m:Media)
SET m = row`

	restoreComments = `UNWIND $rows AS row
CREATE (c:Comment)
SET c = row`

	restoreCommentRevisions = `UNWIND $rows AS row
CREATE (r:CommentRevision)
SET r = row`
)

func init() {
	register("createMedia", createMedia, "props")
	register("mediaIDTaken", mediaIDTaken, "id")
	register("mediaByID", mediaByID, append([]string{"id"}, viewerParams...)...)
	register("mediaOfDocuments", mediaOfDocuments, append([]string{"ids"}, viewerParams...)...)
	register("deleteMedia", deleteMedia, "id")
	register("deleteMediaOf", deleteMediaOf, "id")
	register("scanMedia", scanMedia, append([]string{"after", "limit"}, viewerParams...)...)
	register("discussionsOf", discussionsOf, append([]string{"ids"}, viewerParams...)...)
	register("restoreMedia", restoreMedia, "rows")
	register("restoreComments", restoreComments, "rows")
	register("restoreCommentRevisions", restoreCommentRevisions, "rows")
}
