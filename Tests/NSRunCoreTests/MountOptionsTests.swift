import Testing
@testable import NSRunCore

@Test func mountWordsAreMSNamesWithoutPrefixOrShorthandsInAnyASCIICase() {
    #expect(MountOptionNames.flags(["bind", "rec", "ro"]) == .success(4096 | 16384 | 1))
    #expect(MountOptionNames.flags(["NoSuid", "NODEV", "noexec"]) == .success(2 | 4 | 8))
    #expect(MountOptionNames.flags(["rbind"]) == .success(4096 | 16384))
    #expect(MountOptionNames.flags(["rprivate", "private"]) == .success((1 << 18) | 16384))
    #expect(MountOptionNames.flags(["rw"]) == .success(0))
    #expect(MountOptionNames.flags([]) == .success(0))
    // Every MS_* name, without its prefix and lower-cased, is a word.
    for f in MountFlags.named {
        #expect(MountOptionNames.bits(String(f.name.dropFirst(3)).lowercased()) == UInt(f.value), "\(f.name)")
    }
}

@Test func unknownMountWordsAreNamed() {
    #expect(MountOptionNames.flags(["bind", "bogus"]) == .failure(.init(word: "bogus")))
    #expect(MountOptionNames.flags(["MS_NOSUID"]) == .failure(.init(word: "MS_NOSUID")), "the C name is not a word")
    #expect(MountOptionNames.flags([""]) == .failure(.init(word: "")))
    #expect(MountOptionNames.flags(["MANDLOC\u{212A}"]) == .failure(.init(word: "MANDLOC\u{212A}")), "a Kelvin sign is not k")
    #expect(MountOptionNames.flags(["binds"]) == .failure(.init(word: "binds")))
}
