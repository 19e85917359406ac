import { describe, expect, it } from 'vitest'
import { fileCycles, importGraph, layeringProblems } from '../../scripts/check-imports'

// The module graph stays layered (docs/decisions/0017-modules-import-downward.md): a change
// that makes two files or two modules import each other fails here, naming the import.
describe('the import graph of app/ and db/', () => {
  const graph = importGraph()

  it('has no cycle between files', () => {
    expect(fileCycles(graph)).toEqual([])
  })

  it('has modules that import only the layers below them, and a lib that imports no module', () => {
    expect(layeringProblems(graph)).toEqual([])
  })
})
