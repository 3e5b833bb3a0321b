"""Reading an action plan kept in a spreadsheet: its layout, its cells, its people.

`layout` finds the headings (merged and multi-row ones too), the sections (Must
do, Should do), the rows to skip and any colour key; `values` reads dates, RAG
colours, regulations and the like from cells; `people` matches owners written as
names, initials or roles to the people register; `rows` turns each row into the
actions it holds. Nothing here touches the disk: `write/importing.py` runs it.
"""
