package main

// A fake of CouchDB for rich queries (issue 14 item 4, the asset feature's "Rich query with a
// Mango selector on CouchDB"). There is no CouchDB here, and Fabric's state database under the
// oracle is goleveldb, whose ExecuteQuery fails ("ExecuteQuery not supported for leveldb"). So the
// TxSimulator given to the Handler is Fabric's, wrapped: ExecuteQuery and
// ExecuteQueryWithPagination evaluate the Mango query over the namespace's committed public state
// (read through a Fabric QueryExecutor) and return the matches as Fabric's statecouchdb would give
// them to the txmgr (queryresult.KV with the document re-marshalled by encoding/json, without
// CouchDB's internal fields). The Handler's own request handling, paging to the chaincode
// (QueryResponseGenerator) and error texts stay Fabric's.
//
// The fake's subset of CouchDB: selectors with implicit equality, $eq $ne $gt $gte $lt $lte
// $exists $in $nin on (dotted) fields, $and $or $nor; "fields" (projection), "sort" (as if an
// index covered the sort fields: CouchDB itself answers "No index exists for this sort" without
// one), "skip"; "limit" is accepted and, as statecouchdb does, overridden. Values that are
// not JSON objects are documents with only _id (CouchDB stores them as attachments). Range operators compare across types by CouchDB's collation, as
// its matcher does. Strings compare by code point, not by CouchDB's ICU collation. Anything
// else is an error naming the fake. Pagination (bookmarks) is not modelled.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	commonledger "github.com/hyperledger/fabric/common/ledger"
	"github.com/hyperledger/fabric/core/ledger"
)

type committedReader interface {
	NewQueryExecutor(txid string) (ledger.QueryExecutor, error)
}

// couchSimulator: Fabric's TxSimulator with rich queries answered by the fake.
type couchSimulator struct {
	ledger.TxSimulator
	committed committedReader
	txid      string
}

func (s couchSimulator) ExecuteQuery(namespace, query string) (commonledger.ResultsIterator, error) {
	kvs, err := s.run(namespace, query)
	if err != nil {
		return nil, err
	}
	return &kvIterator{kvs: kvs}, nil
}

func (s couchSimulator) ExecuteQueryWithPagination(namespace, query, bookmark string, pageSize int32) (ledger.QueryResultsIterator, error) {
	if bookmark != "" || pageSize != 0 {
		return nil, fmt.Errorf("the oracle's CouchDB fake does not model pagination")
	}
	kvs, err := s.run(namespace, query)
	if err != nil {
		return nil, err
	}
	return &kvIterator{kvs: kvs}, nil
}

type kvIterator struct {
	kvs []*kvResult
	i   int
}

func (it *kvIterator) Next() (commonledger.QueryResult, error) {
	if it.i >= len(it.kvs) {
		return nil, nil
	}
	it.i++
	return it.kvs[it.i-1], nil
}
func (it *kvIterator) Close()                      {}
func (it *kvIterator) GetBookmarkAndClose() string { return "" }

type mangoQuery struct {
	Selector map[string]interface{}
	Fields   []string
	Sort     []struct {
		field string
		desc  bool
	}
	Skip int
}

func parseMango(query string) (*mangoQuery, error) {
	raw := map[string]interface{}{}
	d := json.NewDecoder(strings.NewReader(query))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("the oracle's CouchDB fake cannot parse the query: %w", err)
	}
	q := &mangoQuery{}
	for k, v := range raw {
		switch k {
		case "selector":
			sel, ok := v.(map[string]interface{})
			if !ok {
				return nil, fmt.Errorf("the oracle's CouchDB fake: selector must be an object")
			}
			q.Selector = sel
		case "fields":
			list, _ := v.([]interface{})
			for _, f := range list {
				s, _ := f.(string)
				q.Fields = append(q.Fields, s)
			}
		case "sort":
			list, _ := v.([]interface{})
			for _, e := range list {
				switch x := e.(type) {
				case string:
					q.Sort = append(q.Sort, struct {
						field string
						desc  bool
					}{x, false})
				case map[string]interface{}:
					for f, dir := range x {
						q.Sort = append(q.Sort, struct {
							field string
							desc  bool
						}{f, dir == "desc"})
					}
				}
			}
		case "limit", "skip":
			n, err := v.(json.Number).Int64()
			if err != nil {
				return nil, fmt.Errorf("the oracle's CouchDB fake: %s must be an integer", k)
			}
			if k == "skip" {
				q.Skip = int(n)
			} // limit: statecouchdb's applyAdditionalQueryOptions overrides it with its own page size and reads every page
		case "use_index":
		default:
			return nil, fmt.Errorf("the oracle's CouchDB fake does not model the query field %q", k)
		}
	}
	if q.Selector == nil {
		return nil, fmt.Errorf("the oracle's CouchDB fake: the query has no selector")
	}
	return q, nil
}

func (s couchSimulator) run(namespace, query string) ([]*kvResult, error) {
	q, err := parseMango(query)
	if err != nil {
		return nil, err
	}
	qe, err := s.committed.NewQueryExecutor(s.txid + "-couch")
	if err != nil {
		return nil, err
	}
	defer qe.Done()
	it, err := qe.GetStateRangeScanIterator(namespace, "", "")
	if err != nil {
		return nil, err
	}
	defer it.Close()
	type doc struct {
		key    string
		fields map[string]interface{}
		raw    []byte // a value stored as an attachment (not a JSON object)
	}
	docs := []doc{}
	for {
		r, err := it.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			break
		}
		kv := r.(*kvResult)
		fields := map[string]interface{}{}
		d := json.NewDecoder(bytes.NewReader(kv.Value))
		d.UseNumber()
		var raw []byte
		if d.Decode(&fields) != nil || d.More() {
			// stored as an attachment: a document with only CouchDB's fields
			fields, raw = map[string]interface{}{}, kv.Value
		}
		withID := map[string]interface{}{"_id": kv.Key}
		for k, v := range fields {
			withID[k] = v
		}
		ok, err := matches(q.Selector, withID)
		if err != nil {
			return nil, err
		}
		if ok {
			docs = append(docs, doc{kv.Key, withID, raw})
		}
	}
	if len(q.Sort) > 0 {
		sort.SliceStable(docs, func(i, j int) bool {
			for _, o := range q.Sort {
				c := collate(lookup(docs[i].fields, o.field), lookup(docs[j].fields, o.field))
				if c != 0 {
					return (c < 0) != o.desc
				}
			}
			return false
		})
	}
	if q.Skip > 0 {
		if q.Skip >= len(docs) {
			docs = nil
		} else {
			docs = docs[q.Skip:]
		}
	}
	out := []*kvResult{}
	for _, d := range docs {
		if d.raw != nil && q.Fields == nil {
			// statecouchdb re-reads a row with _attachments and returns the attachment's bytes;
			// under a fields projection the row has no _attachments and the value is "{}"
			out = append(out, &kvResult{Namespace: namespace, Key: d.key, Value: d.raw})
			continue
		}
		value := map[string]interface{}{}
		if q.Fields != nil {
			for _, f := range q.Fields {
				if v := lookup(d.fields, f); v != nil {
					put(value, f, v)
				}
			}
		} else {
			for k, v := range d.fields {
				value[k] = v
			}
		}
		delete(value, "_id")
		b, err := json.Marshal(value)
		if err != nil {
			return nil, err
		}
		out = append(out, &kvResult{Namespace: namespace, Key: d.key, Value: b})
	}
	return out, nil
}

func lookup(doc map[string]interface{}, path string) interface{} {
	var cur interface{} = doc
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil
		}
		if cur, ok = m[p]; !ok {
			return nil
		}
	}
	return cur
}

func put(doc map[string]interface{}, path string, v interface{}) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := doc[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			doc[p] = next
		}
		doc = next
	}
	doc[parts[len(parts)-1]] = v
}

func matches(sel map[string]interface{}, doc map[string]interface{}) (bool, error) {
	for k, cond := range sel {
		switch k {
		case "$and", "$or", "$nor":
			list, ok := cond.([]interface{})
			if !ok {
				return false, fmt.Errorf("the oracle's CouchDB fake: %s takes an array", k)
			}
			any := false
			all := true
			for _, s := range list {
				m, _ := s.(map[string]interface{})
				ok, err := matches(m, doc)
				if err != nil {
					return false, err
				}
				any = any || ok
				all = all && ok
			}
			if (k == "$and" && !all) || (k == "$or" && !any) || (k == "$nor" && any) {
				return false, nil
			}
			continue
		}
		if strings.HasPrefix(k, "$") {
			return false, fmt.Errorf("the oracle's CouchDB fake does not model the selector operator %s", k)
		}
		ok, err := matchValue(cond, lookup(doc, k), hasPath(doc, k))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func hasPath(doc map[string]interface{}, path string) bool {
	parts := strings.Split(path, ".")
	m := doc
	for i, p := range parts {
		v, ok := m[p]
		if !ok {
			return false
		}
		if i == len(parts)-1 {
			return true
		}
		if m, ok = v.(map[string]interface{}); !ok {
			return false
		}
	}
	return false
}

func matchValue(cond, v interface{}, present bool) (bool, error) {
	ops, isOps := cond.(map[string]interface{})
	if isOps {
		for k := range ops {
			if !strings.HasPrefix(k, "$") {
				isOps = false
			}
		}
	}
	if !isOps {
		return present && collate(v, cond) == 0, nil
	}
	for op, arg := range ops {
		var ok bool
		switch op {
		case "$eq":
			ok = present && collate(v, arg) == 0
		case "$ne":
			ok = present && collate(v, arg) != 0
		case "$gt":
			ok = present && collate(v, arg) > 0
		case "$gte":
			ok = present && collate(v, arg) >= 0
		case "$lt":
			ok = present && collate(v, arg) < 0
		case "$lte":
			ok = present && collate(v, arg) <= 0
		case "$exists":
			ok = present == (arg == true)
		case "$in", "$nin":
			list, _ := arg.([]interface{})
			in := false
			for _, x := range list {
				if present && collate(v, x) == 0 {
					in = true
				}
			}
			ok = present && in == (op == "$in")
		default:
			return false, fmt.Errorf("the oracle's CouchDB fake does not model the condition operator %s", op)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// rank: CouchDB's collation order of JSON types (null < false < true < numbers < strings < arrays < objects).
func rank(v interface{}) int {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 2
		}
		return 1
	case json.Number:
		return 3
	case string:
		return 4
	case []interface{}:
		return 5
	default:
		return 6
	}
}

func collate(a, b interface{}) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch x := a.(type) {
	case json.Number:
		fa, _ := x.Float64()
		fb, _ := b.(json.Number).Float64()
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case []interface{}:
		y := b.([]interface{})
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := collate(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case map[string]interface{}:
		xb, _ := json.Marshal(x)
		yb, _ := json.Marshal(b)
		return bytes.Compare(xb, yb)
	}
	return 0
}
