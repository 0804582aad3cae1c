module vmtemplating.io/clonekeeper

go 1.22
