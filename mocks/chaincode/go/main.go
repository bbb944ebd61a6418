// Command ccaas-go-fixture is the Go chaincode server fixture of ccaas-conformance: the asset
// contract of mocks/chaincode/node (same functions, same results, same error messages), written
// on the official Go shim (github.com/hyperledger/fabric-chaincode-go/v2, plain shim.Chaincode)
// and served as chaincode-as-a-service with shim.ChaincodeServer.
//
// It reads its package ID and listen address from CHAINCODE_ID / CHAINCODE_SERVER_ADDRESS (or
// CORE_CHAINCODE_ID_NAME / CORE_CHAINCODE_ADDRESS), as the harness's --command launcher sets
// them, and its TLS settings the way fabric-samples' external chaincodes do:
// CHAINCODE_TLS_DISABLED (default "true"), CHAINCODE_TLS_KEY and CHAINCODE_TLS_CERT (PEM files),
// CHAINCODE_CLIENT_CA_CERT (a PEM file: turns on mutual TLS).
package main

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// contractName is the asset contract's name: `asset:CreateAsset` and `CreateAsset` both reach it.
const contractName = "asset"

// systemContract answers the contract API's own transactions (GetMetadata).
const systemContract = "org.hyperledger.fabric"

type assetChaincode struct{}

// txFunc is one transaction function: its result is the response payload, its error the message.
type txFunc func(stub shim.ChaincodeStubInterface, args []string) (string, error)

// transaction is a function and the number of parameters it takes, checked as the Node contract
// API checks them: exactly, except that a function of no parameters ignores any it is given.
type transaction struct {
	run   txFunc
	arity int
}

var transactions = map[string]transaction{
	"Ping":                           {ping, 0},
	"CreateAsset":                    {createAsset, 2},
	"ReadAsset":                      {readAsset, 1},
	"UpdateAsset":                    {updateAsset, 2},
	"DeleteAsset":                    {deleteAsset, 1},
	"AssetExists":                    {assetExists, 1},
	"GetAssetsByRange":               {getAssetsByRange, 2},
	"GetAssetsByRangeWithPagination": {getAssetsByRangeWithPagination, 4},
	"QueryAssets":                    {queryAssets, 1},
	"GetAssetHistory":                {getAssetHistory, 1},
	"PutPrivateAsset":                {putPrivateAsset, 2},
	"ReadPrivateAsset":               {readPrivateAsset, 2},
	"ReadPrivateAssetHash":           {readPrivateAssetHash, 2},
	"CallOther":                      {callOther, 3},
	"WhoAmI":                         {whoAmI, 0},
}

// transactionOrder is the order GetMetadata lists the transactions in (the contract's own order).
var transactionOrder = []string{
	"Ping", "CreateAsset", "ReadAsset", "UpdateAsset", "DeleteAsset", "AssetExists", "GetAssetsByRange",
	"GetAssetsByRangeWithPagination", "QueryAssets", "GetAssetHistory", "PutPrivateAsset", "ReadPrivateAsset",
	"ReadPrivateAssetHash", "CallOther", "WhoAmI",
}

// Init is dispatched like Invoke, as the contract API does.
func (assetChaincode) Init(stub shim.ChaincodeStubInterface) *peer.Response {
	return dispatch(stub)
}

func (assetChaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	return dispatch(stub)
}

// splitFunctionName splits "contract:function" at the first colon; no colon (or an empty
// contract) means the default contract, as the contract API reads it.
func splitFunctionName(fcn string) (string, string) {
	contract, fn, found := strings.Cut(fcn, ":")
	if !found {
		return contractName, fcn
	}
	if strings.TrimSpace(contract) == "" {
		contract = contractName
	}
	return contract, fn
}

func dispatch(stub shim.ChaincodeStubInterface) *peer.Response {
	if len(stub.GetArgs()) == 0 {
		return shim.Success([]byte("Default initiator successful."))
	}
	fcn, params := stub.GetFunctionAndParameters()
	contract, fn := splitFunctionName(fcn)
	var tx transaction
	var found bool
	switch contract {
	case contractName:
		tx, found = transactions[fn]
	case systemContract:
		tx, found = transaction{getMetadata, 0}, fn == "GetMetadata"
	default:
		return shim.Error(fmt.Sprintf("Contract name is not known: %s", contract))
	}
	if !found {
		return shim.Error(fmt.Sprintf("You've asked to invoke a function that does not exist: %s", fcn))
	}
	if tx.arity > 0 && len(params) != tx.arity {
		return shim.Error(fmt.Sprintf("Expected %d parameters, but %d have been supplied", tx.arity, len(params)))
	}
	out, err := tx.run(stub, params)
	if err != nil {
		return shim.Error(err.Error())
	}
	if out == "" {
		return shim.Success(nil)
	}
	return shim.Success([]byte(out))
}

// errAssertion is the Node shim's text for a page size that is not an int32 (parseInt gave NaN).
var errAssertion = errors.New("Assertion failed")

// parseInt reads a page size as JavaScript's parseInt(s, 10) does (leading whitespace, a sign,
// then the longest run of digits); what is not an int32 fails as the Node shim's encoder does.
func parseInt(s string) (int32, error) {
	s = strings.TrimLeft(s, " \t\n\v\f\r\u00a0\ufeff")
	end := 0
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	digits := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == digits {
		return 0, errAssertion
	}
	n, err := strconv.ParseInt(s[:end], 10, 32)
	if err != nil {
		return 0, errAssertion
	}
	return int32(n), nil
}

// jsonText is JSON.stringify's text for v: no HTML escaping, no trailing newline.
func jsonText(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func quote(s string) string {
	q, err := jsonText(s)
	if err != nil {
		return `""`
	}
	return q
}

// creator is the submitter's serialized identity (MSP ID and PEM certificate) from the proposal.
func creator(stub shim.ChaincodeStubInterface) (*msp.SerializedIdentity, error) {
	raw, err := stub.GetCreator()
	if err != nil {
		return nil, err
	}
	id := &msp.SerializedIdentity{}
	if err := proto.Unmarshal(raw, id); err != nil {
		return nil, fmt.Errorf("failed to unmarshal the creator's identity: %s", err)
	}
	return id, nil
}

var shortNames = map[string]string{
	"2.5.4.3":              "CN",
	"2.5.4.6":              "C",
	"2.5.4.7":              "L",
	"2.5.4.8":              "ST",
	"2.5.4.10":             "O",
	"2.5.4.11":             "OU",
	"1.2.840.113549.1.9.1": "E",
}

// distinguishedName writes a certificate name as the Node shim's ClientIdentity does:
// "/C=US/ST=.../CN=...", attributes in certificate order, the first "/" of each value escaped.
func distinguishedName(names []pkix.AttributeTypeAndValue) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString("/" + shortNames[n.Type.String()] + "=" + strings.Replace(fmt.Sprint(n.Value), "/", `\/`, 1))
	}
	return b.String()
}

// clientID is "x509::<subject DN>::<issuer DN>", the Node shim's ClientIdentity.getID().
func clientID(id *msp.SerializedIdentity) (string, error) {
	block, _ := pem.Decode(id.IdBytes)
	if block == nil {
		return "", errors.New("the creator's certificate is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("the creator's certificate does not parse: %s", err)
	}
	return "x509::" + distinguishedName(cert.Subject.Names) + "::" + distinguishedName(cert.Issuer.Names), nil
}

func ping(shim.ChaincodeStubInterface, []string) (string, error) {
	return "pong", nil
}

type asset struct {
	ID    string `json:"id"`
	Value string `json:"value"`
	Owner string `json:"owner"`
}

func createAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	id, value := args[0], args[1]
	exists, err := stub.GetState(id)
	if err != nil {
		return "", err
	}
	if len(exists) > 0 {
		return "", fmt.Errorf("asset %s already exists", id)
	}
	who, err := creator(stub)
	if err != nil {
		return "", err
	}
	text, err := jsonText(asset{ID: id, Value: value, Owner: who.Mspid})
	if err != nil {
		return "", err
	}
	if err := stub.PutState(id, []byte(text)); err != nil {
		return "", err
	}
	event, err := jsonText(map[string]string{"id": id})
	if err != nil {
		return "", err
	}
	if err := stub.SetEvent("AssetCreated", []byte(event)); err != nil {
		return "", err
	}
	return text, nil
}

func readAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	id := args[0]
	data, err := stub.GetState(id)
	if err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", fmt.Errorf("asset %s does not exist", id)
	}
	return string(data), nil
}

// updateAsset keeps the stored owner as it is (whatever JSON value it holds, omitted when absent).
func updateAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	id, value := args[0], args[1]
	data, err := stub.GetState(id)
	if err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", fmt.Errorf("asset %s does not exist", id)
	}
	var old map[string]json.RawMessage
	if err := json.Unmarshal(data, &old); err != nil {
		return "", fmt.Errorf("asset %s is not a JSON object: %s", id, err)
	}
	text := `{"id":` + quote(id) + `,"value":` + quote(value)
	if owner, ok := old["owner"]; ok {
		var compact bytes.Buffer
		if err := json.Compact(&compact, owner); err != nil {
			return "", err
		}
		text += `,"owner":` + compact.String()
	}
	text += "}"
	if err := stub.PutState(id, []byte(text)); err != nil {
		return "", err
	}
	return text, nil
}

func deleteAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	return "", stub.DelState(args[0])
}

func assetExists(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	data, err := stub.GetState(args[0])
	if err != nil {
		return "", err
	}
	if len(data) > 0 {
		return "true", nil
	}
	return "false", nil
}

type record struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// collect drains a state iterator into key/value records (values as UTF-8 text) and closes it.
func collect(it shim.StateQueryIteratorInterface) (out []record, err error) {
	defer func() {
		if cerr := it.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	out = []record{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		out = append(out, record{Key: kv.Key, Value: strings.ToValidUTF8(string(kv.Value), "\uFFFD")})
	}
	return out, nil
}

// recordsJSON is the JSON array of a query's records, or the query's error.
func recordsJSON(it shim.StateQueryIteratorInterface, err error) (string, error) {
	if err != nil {
		return "", err
	}
	records, err := collect(it)
	if err != nil {
		return "", err
	}
	return jsonText(records)
}

func getAssetsByRange(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	return recordsJSON(stub.GetStateByRange(args[0], args[1]))
}

func getAssetsByRangeWithPagination(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	pageSize, err := parseInt(args[2])
	if err != nil {
		return "", err
	}
	it, meta, err := stub.GetStateByRangeWithPagination(args[0], args[1], pageSize, args[3])
	if err != nil {
		return "", err
	}
	records, err := collect(it)
	if err != nil {
		return "", err
	}
	return jsonText(struct {
		Records             []record `json:"records"`
		FetchedRecordsCount int32    `json:"fetchedRecordsCount"`
		Bookmark            string   `json:"bookmark"`
	}{records, meta.GetFetchedRecordsCount(), meta.GetBookmark()})
}

func queryAssets(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	return recordsJSON(stub.GetQueryResult(args[0]))
}

func getAssetHistory(stub shim.ChaincodeStubInterface, args []string) (result string, err error) {
	it, err := stub.GetHistoryForKey(args[0])
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := it.Close(); err == nil && cerr != nil {
			result, err = "", cerr
		}
	}()
	type modification struct {
		TxID     string `json:"txId"`
		IsDelete bool   `json:"isDelete"`
		Value    string `json:"value"`
	}
	out := []modification{}
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return "", err
		}
		out = append(out, modification{TxID: m.TxId, IsDelete: m.IsDelete, Value: strings.ToValidUTF8(string(m.Value), "\uFFFD")})
	}
	return jsonText(out)
}

// putPrivateAsset stores the transient value "value" in a private data collection.
func putPrivateAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	transient, err := stub.GetTransient()
	if err != nil {
		return "", err
	}
	value := transient["value"]
	if len(value) == 0 {
		return "", errors.New(`transient field "value" is missing`)
	}
	return "", stub.PutPrivateData(args[0], args[1], value)
}

func readPrivateAsset(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	collection, id := args[0], args[1]
	data, err := stub.GetPrivateData(collection, id)
	if err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", fmt.Errorf("private asset %s does not exist in %s", id, collection)
	}
	return string(data), nil
}

func readPrivateAssetHash(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	hash, err := stub.GetPrivateDataHash(args[0], args[1])
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(hash), nil
}

// callOther invokes `fn arg` on another chaincode on this channel and returns its payload.
func callOther(stub shim.ChaincodeStubInterface, args []string) (string, error) {
	chaincode := args[0]
	r := stub.InvokeChaincode(chaincode, [][]byte{[]byte(args[1]), []byte(args[2])}, "")
	// When the peer answers INVOKE_CHAINCODE with ERROR, the Go shim returns status 500 with the
	// peer's text as the payload and no message; the Node shim throws that text, so it is the error.
	if r.Status == shim.ERROR && r.Message == "" && len(r.Payload) > 0 {
		return "", errors.New(string(r.Payload))
	}
	if r.Status != shim.OK {
		return "", fmt.Errorf("%s answered %d: %s", chaincode, r.Status, r.Message)
	}
	return string(r.Payload), nil
}

func whoAmI(stub shim.ChaincodeStubInterface, _ []string) (string, error) {
	who, err := creator(stub)
	if err != nil {
		return "", err
	}
	id, err := clientID(who)
	if err != nil {
		return "", err
	}
	return jsonText(struct {
		MSPID string `json:"mspid"`
		ID    string `json:"id"`
	}{who.Mspid, id})
}

// getMetadata is a small contract-API-shaped description of this chaincode.
func getMetadata(shim.ChaincodeStubInterface, []string) (string, error) {
	type tx struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	type contract struct {
		Name         string `json:"name"`
		Transactions []tx   `json:"transactions"`
	}
	asset := contract{Name: contractName, Transactions: []tx{}}
	for _, name := range transactionOrder {
		asset.Transactions = append(asset.Transactions, tx{Name: name, Tags: []string{"SUBMIT", "submitTx"}})
	}
	return jsonText(map[string]any{
		"$schema": "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json",
		"info":    map[string]string{"title": "ccaas-go-fixture", "version": "1.0.0"},
		"contracts": map[string]contract{
			contractName:   asset,
			systemContract: {Name: systemContract, Transactions: []tx{{Name: "GetMetadata", Tags: []string{"EVALUATE"}}}},
		},
		"components": map[string]any{"schemas": map[string]any{}},
	})
}

func env(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// tlsProperties reads the fabric-samples TLS variables; the files are read here, so a missing
// file is reported by name before the server starts.
func tlsProperties() (shim.TLSProperties, error) {
	disabled := os.Getenv("CHAINCODE_TLS_DISABLED")
	if disabled == "" {
		disabled = "true"
	}
	off, err := strconv.ParseBool(disabled)
	if err != nil {
		return shim.TLSProperties{}, fmt.Errorf("CHAINCODE_TLS_DISABLED=%q is not a boolean", disabled)
	}
	if off {
		return shim.TLSProperties{Disabled: true}, nil
	}
	read := func(name string, required bool) ([]byte, error) {
		path := os.Getenv(name)
		if path == "" {
			if required {
				return nil, fmt.Errorf("%s is not set (TLS is enabled)", name)
			}
			return nil, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, err)
		}
		return b, nil
	}
	props := shim.TLSProperties{}
	if props.Key, err = read("CHAINCODE_TLS_KEY", true); err != nil {
		return props, err
	}
	if props.Cert, err = read("CHAINCODE_TLS_CERT", true); err != nil {
		return props, err
	}
	if props.ClientCACerts, err = read("CHAINCODE_CLIENT_CA_CERT", false); err != nil {
		return props, err
	}
	return props, nil
}

func main() {
	tlsProps, err := tlsProperties()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ccaas-go-fixture: %s\n", err)
		os.Exit(1)
	}
	server := &shim.ChaincodeServer{
		CCID:     env("CHAINCODE_ID", "CORE_CHAINCODE_ID_NAME"),
		Address:  env("CHAINCODE_SERVER_ADDRESS", "CORE_CHAINCODE_ADDRESS"),
		CC:       assetChaincode{},
		TLSProps: tlsProps,
	}
	if err := server.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "ccaas-go-fixture: the chaincode server failed: %s\n", err)
		os.Exit(1)
	}
}
