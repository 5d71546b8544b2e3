/// The chain ID of a stack of layers (OCI image spec, "Layer ChainID"): the bottom layer's
/// is its diff ID; each next one is sha256 of "<parent chain ID> <diff ID>". It names an
/// unpacked layer together with everything under it, so identical stacks share storage.
public func chainID(diffIDs: [Digest]) -> Digest? {
    chainIDs(diffIDs: diffIDs).last
}

/// The chain ID of every prefix of `diffIDs`, bottom first.
public func chainIDs(diffIDs: [Digest]) -> [Digest] {
    var out: [Digest] = []
    out.reserveCapacity(diffIDs.count)
    for diff in diffIDs {
        if let parent = out.last {
            out.append(chainID(parent: parent, diffID: diff))
        } else {
            out.append(diff)
        }
    }
    return out
}

public func chainID(parent: Digest?, diffID: Digest) -> Digest {
    guard let parent else { return diffID }
    return Digest.sha256(Array("\(parent.string) \(diffID.string)".utf8))
}
