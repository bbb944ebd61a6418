module ccaas-conformance/oracle

go 1.26
